// Vega expressions evaluated without `eval` (the page CSP has no 'unsafe-eval'), with the
// semantics of vega-interpreter but compiled once per expression into nested closures.
// vega-interpreter walks the AST on every call and builds a fresh function table for it; at
// 100 generations × 20 metrics that per-call allocation and dispatch was a quarter of the
// page's render time, most of it in the encoders that run once per mark item and channel.
import { DisallowedObjectProperties, ascending, isString } from 'vega-util';

/** What an expression sees when it runs. */
interface Scope {
  fn: Record<string, unknown>;
  params: Record<string, unknown> | undefined;
  datum: unknown;
  event: { vega: Record<string, (...args: unknown[]) => unknown> } | undefined;
  item: unknown;
}

type Compiled = (s: Scope) => unknown;

interface Node {
  type: string;
  [key: string]: unknown;
}

const Constants: Record<string, number> = {
  NaN: Number.NaN,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  PI: Math.PI,
  SQRT1_2: Math.SQRT1_2,
  SQRT2: Math.SQRT2,
  MIN_VALUE: Number.MIN_VALUE,
  MAX_VALUE: Number.MAX_VALUE,
};

const Ops: Record<string, (a: any, b: any) => unknown> = {
  '*': (a, b) => a * b,
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  // eslint-disable-next-line eqeqeq
  '==': (a, b) => a == b,
  // eslint-disable-next-line eqeqeq
  '!=': (a, b) => a != b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
  '<<': (a, b) => a << b,
  '>>': (a, b) => a >> b,
  '>>>': (a, b) => a >>> b,
};

const Unary: Record<string, (a: any) => unknown> = {
  '+': (a) => +a,
  '-': (a) => -a,
  '~': (a) => ~a,
  '!': (a) => !a,
};

const apply = (m: string, args: ArrayLike<any>, cast?: (x: unknown) => any) => {
  const obj = cast ? cast(args[0]) : args[0];
  return obj[m](...Array.prototype.slice.call(args, 1));
};
const datetime = (yearOrTimestring: any, m = 0, d = 1, H = 0, M = 0, S = 0, ms = 0) =>
  isString(yearOrTimestring) ? new Date(yearOrTimestring) : new Date(yearOrTimestring, m, d, H, M, S, ms);

/** The built-ins vega-interpreter adds to Vega's expression functions. */
const Functions: Record<string, (...args: any[]) => unknown> = {
  isNaN: Number.isNaN,
  isFinite: Number.isFinite,
  abs: Math.abs,
  acos: Math.acos,
  asin: Math.asin,
  atan: Math.atan,
  atan2: Math.atan2,
  ceil: Math.ceil,
  cos: Math.cos,
  exp: Math.exp,
  floor: Math.floor,
  hypot: Math.hypot,
  log: Math.log,
  max: Math.max,
  min: Math.min,
  pow: Math.pow,
  random: Math.random,
  round: Math.round,
  sin: Math.sin,
  sqrt: Math.sqrt,
  tan: Math.tan,
  clamp: (a, b, c) => Math.max(b, Math.min(c, a)),
  now: Date.now,
  utc: Date.UTC,
  datetime,
  date: (d) => new Date(d).getDate(),
  day: (d) => new Date(d).getDay(),
  year: (d) => new Date(d).getFullYear(),
  month: (d) => new Date(d).getMonth(),
  hours: (d) => new Date(d).getHours(),
  minutes: (d) => new Date(d).getMinutes(),
  seconds: (d) => new Date(d).getSeconds(),
  milliseconds: (d) => new Date(d).getMilliseconds(),
  time: (d) => new Date(d).getTime(),
  timezoneoffset: (d) => new Date(d).getTimezoneOffset(),
  utcdate: (d) => new Date(d).getUTCDate(),
  utcday: (d) => new Date(d).getUTCDay(),
  utcyear: (d) => new Date(d).getUTCFullYear(),
  utcmonth: (d) => new Date(d).getUTCMonth(),
  utchours: (d) => new Date(d).getUTCHours(),
  utcminutes: (d) => new Date(d).getUTCMinutes(),
  utcseconds: (d) => new Date(d).getUTCSeconds(),
  utcmilliseconds: (d) => new Date(d).getUTCMilliseconds(),
  length: (x) => x.length,
  join: (...args) => apply('join', args),
  indexof: (...args) => apply('indexOf', args),
  lastindexof: (...args) => apply('lastIndexOf', args),
  slice: (...args) => apply('slice', args),
  reverse: (x) => x.slice().reverse(),
  sort: (x) => x.slice().sort(ascending),
  parseFloat,
  parseInt,
  upper: (x) => String(x).toUpperCase(),
  lower: (x) => String(x).toLowerCase(),
  substring: (...args) => apply('substring', args, String),
  split: (...args) => apply('split', args, String),
  replace: (...args) => apply('replace', args, String),
  trim: (x) => String(x).trim(),
  btoa: (x) => btoa(x),
  atob: (x) => atob(x),
  encodeURIComponent: (x) => encodeURIComponent(x),
  regexp: RegExp,
  test: (r, t) => RegExp(r).test(t),
};

/** Routed to the event's view context, as vega-interpreter does. */
const EventFunctions = new Set(['view', 'item', 'group', 'xy', 'x', 'y']);

// eslint-disable-next-line no-eval
const DisallowedMethods = new Set<unknown>([Function, eval, setTimeout, setInterval]);

/** A name where the AST has an identifier in key position (`a.b`, `{b: …}`). */
function keyOf(n: Node): unknown {
  return n.type === 'Identifier' ? n.name : n.value;
}

function compile(n: Node): Compiled {
  switch (n.type) {
    case 'Literal': {
      const value = n.value;
      const regex = n.regex as { pattern: string; flags: string } | undefined;
      // Global and sticky regexps carry lastIndex across calls: a fresh one per evaluation.
      if (regex && value instanceof RegExp && (value.global || value.sticky)) return () => new RegExp(regex.pattern, regex.flags);
      return () => value;
    }
    case 'Identifier': {
      const id = n.name as string;
      if (id === 'datum') return (s) => s.datum;
      if (id === 'event') return (s) => s.event;
      if (id === 'item') return (s) => s.item;
      const constant = Constants[id];
      if (constant) return () => constant;
      const param = `$${id}`;
      return (s) => s.params![param];
    }
    case 'MemberExpression': {
      const object = compile(n.object as Node);
      const property = n.computed ? compile(n.property as Node) : (() => {
        const key = keyOf(n.property as Node);
        return () => key;
      })();
      return (s) => {
        const o = object(s) as Record<string, unknown>;
        const p = property(s) as string;
        const v = o[p];
        if (DisallowedMethods.has(v)) {
          console.error(`Prevented interpretation of member "${p}" which could lead to insecure code execution`);
          return undefined;
        }
        return v;
      };
    }
    case 'CallExpression': {
      const args = (n.arguments as Node[]).map(compile);
      let name = (n.callee as Node).name as string;
      // Encoders call internal `_name` functions that stand for the standard ones.
      if (name.startsWith('_')) name = name.slice(1);
      if (name === 'if') {
        const [test, then, otherwise] = args;
        return (s) => (test!(s) ? then!(s) : otherwise!(s));
      }
      if (EventFunctions.has(name)) return (s) => s.event!.vega[name]!(...args.map((a) => a(s)));
      const builtin = Functions[name];
      return (s) => {
        const f = (s.fn[name] || builtin) as (...a: unknown[]) => unknown;
        const values = new Array(args.length);
        for (let i = 0; i < args.length; i++) values[i] = args[i]!(s);
        return f.apply(s.fn, values);
      };
    }
    case 'ArrayExpression': {
      const elements = (n.elements as Node[]).map(compile);
      return (s) => elements.map((e) => e(s));
    }
    case 'BinaryExpression': {
      const op = Ops[n.operator as string]!;
      const left = compile(n.left as Node);
      const right = compile(n.right as Node);
      return (s) => op(left(s), right(s));
    }
    case 'UnaryExpression': {
      const op = Unary[n.operator as string]!;
      const argument = compile(n.argument as Node);
      return (s) => op(argument(s));
    }
    case 'ConditionalExpression': {
      const test = compile(n.test as Node);
      const consequent = compile(n.consequent as Node);
      const alternate = compile(n.alternate as Node);
      return (s) => (test(s) ? consequent(s) : alternate(s));
    }
    case 'LogicalExpression': {
      const left = compile(n.left as Node);
      const right = compile(n.right as Node);
      return n.operator === '&&' ? (s) => left(s) && right(s) : (s) => left(s) || right(s);
    }
    case 'ObjectExpression': {
      const properties = (n.properties as Node[]).map((p) => ({ key: keyOf(p.key as Node) as string, value: compile(p.value as Node) }));
      return (s) => {
        const o: Record<string, unknown> = {};
        for (const p of properties) {
          const v = p.value(s);
          if (DisallowedObjectProperties.has(p.key)) console.error(`Prevented interpretation of property "${p.key}" which could lead to insecure code execution`);
          else if (DisallowedMethods.has(v)) console.error(`Prevented interpretation of method "${p.key}" which could lead to insecure code execution`);
          else o[p.key] = v;
        }
        return o;
      };
    }
    default:
      throw new Error(`Unsupported expression node: ${n.type}`);
  }
}

/** Identical ASTs (every facet cell repeats its encoders) share one compiled closure. */
const cache = new WeakMap<object, Compiled>();
function compiled(ast: Node): Compiled {
  let c = cache.get(ast);
  if (!c) cache.set(ast, (c = compile(ast)));
  return c;
}

function adjustSpatial(item: Record<string, number>, encode: Record<string, unknown>, swap: boolean): void {
  let t: number;
  if (encode.x2) {
    if (encode.x) {
      if (swap && item.x! > item.x2!) {
        t = item.x!;
        item.x = item.x2!;
        item.x2 = t;
      }
      item.width = item.x2! - item.x!;
    } else {
      item.x = item.x2! - (item.width || 0);
    }
  }
  if (encode.xc) item.x = item.xc! - (item.width || 0) / 2;
  if (encode.y2) {
    if (encode.y) {
      if (swap && item.y! > item.y2!) {
        t = item.y!;
        item.y = item.y2!;
        item.y2 = t;
      }
      item.height = item.y2! - item.y!;
    } else {
      item.y = item.y2! - (item.height || 0);
    }
  }
  if (encode.yc) item.y = item.yc! - (item.height || 0) / 2;
}

interface Context {
  functions: Record<string, unknown>;
}
interface Expr {
  ast: Node;
}

/** Drop-in for vega-interpreter's `expressionInterpreter` (the `expr` option of a View). */
export const expressionInterpreter = {
  operator(ctx: Context, expr: Expr) {
    const run = compiled(expr.ast);
    const fn = ctx.functions;
    return (params: Record<string, unknown>) => run({ fn, params, datum: undefined, event: undefined, item: undefined });
  },
  parameter(ctx: Context, expr: Expr) {
    const run = compiled(expr.ast);
    const fn = ctx.functions;
    return (datum: unknown, params: Record<string, unknown>) => run({ fn, params, datum, event: undefined, item: undefined });
  },
  event(ctx: Context, expr: Expr) {
    const run = compiled(expr.ast);
    const fn = ctx.functions;
    return (event: Scope['event']) => run({ fn, params: undefined, datum: undefined, event, item: undefined });
  },
  handler(ctx: Context, expr: Expr) {
    const run = compiled(expr.ast);
    const fn = ctx.functions;
    return (params: Record<string, unknown>, event: Scope['event'] & { item?: { datum?: unknown } }) =>
      run({ fn, params, datum: event.item && event.item.datum, event, item: undefined });
  },
  encode(ctx: Context, encode: { marktype: string; channels: Record<string, Expr> }) {
    const { marktype, channels } = encode;
    const fn = ctx.functions;
    const swap = marktype === 'group' || marktype === 'image' || marktype === 'rect';
    const names = Object.keys(channels);
    const runs = names.map((name) => compiled(channels[name]!.ast));
    return (item: Record<string, any>, params: Record<string, unknown>) => {
      const scope: Scope = { fn, params, datum: item.datum, event: undefined, item };
      let m = 0;
      for (let i = 0; i < names.length; i++) {
        const v = runs[i]!(scope);
        if (item[names[i]!] !== v) {
          item[names[i]!] = v;
          m = 1;
        }
      }
      if (marktype !== 'rule') adjustSpatial(item, channels, swap);
      return m;
    };
  },
};
