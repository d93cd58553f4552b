// Keeps the part-of-speech model out of the Node bundles that analyse (CLI, analysis worker,
// bench): `require('./posModel')` in src/core/metrics/posTagger.ts becomes a require of
// `./pos-model.js` beside the bundle, built from src/core/metrics/posModel.ts. The model is 3.7 MB
// of source; held by every analysis process it cost about 20 MB of resident memory whether or
// not anything was tagged. Web bundles and tests keep it inline (they do not use this plugin).
const POS_MODEL_ENTRY = 'src/core/metrics/posModel.ts';

const posModelBeside = {
  name: 'pos-model-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/posModel$/ }, (args) => {
      if (!/[\\/]posTagger\.ts$/.test(args.importer)) return undefined;
      return { path: './pos-model.js', external: true };
    });
  },
};

/**
 * `text` with every character above U+007F written as a \uXXXX escape. A backslash that
 * escapes such a character (an identity escape in a regular expression) is dropped: `\–`
 * and `\u2013` match the same. esbuild leaves these characters in regular expression
 * literals, and one of them makes V8 hold the whole file's source, which it keeps for lazy
 * compilation, as a two-byte string: 7.3 MB of heap for the model's 3.7 MB.
 */
function asciiEscape(text) {
  return text.replace(/(\\*)([^\x00-\x7f])/gu, (_, slashes, c) => {
    let out = slashes.length % 2 === 1 ? slashes.slice(1) : slashes;
    for (let i = 0; i < c.length; i++) out += '\\u' + c.charCodeAt(i).toString(16).padStart(4, '0');
    return out;
  });
}

/** Rewrites the built file as ASCII (see asciiEscape); for the model's bundle. */
const posModelAscii = {
  name: 'pos-model-ascii',
  setup(build) {
    build.onEnd((result) => {
      const file = build.initialOptions.outfile;
      if (result.errors.length > 0 || !file) return;
      const fs = require('fs');
      fs.writeFileSync(file, asciiEscape(fs.readFileSync(file, 'utf8')));
    });
  },
};

module.exports = { posModelBeside, posModelAscii, asciiEscape, POS_MODEL_ENTRY };
