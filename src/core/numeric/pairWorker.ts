// The helper thread of the pair pass (pairThreads.ts), built as dist/pair-thread.js: takes
// row triples of each job posted to it until none is left.
import { parentPort } from 'node:worker_threads';
import { helperTriple } from './pairwise';
import { helpWithPairs } from './pairThreads';
import type { PairJob } from './pairThreads';

parentPort!.on('message', (job: PairJob) => {
  helpWithPairs(job, (kernels, memory, numbers) => helperTriple(kernels, memory, numbers, job.n, job.d));
});
