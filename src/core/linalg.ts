// The dense linear algebra moved to numeric/linalg.ts; this keeps the old import path working.
export * from './numeric/linalg';
