// Tokenize a .bot file with bubble's TextMate grammar, exactly as VS Code does: vscode-textmate
// with the Oniguruma regex engine compiled to WebAssembly (both installed in vscode/node_modules
// by `npm install`, as dependencies of vscode-tmgrammar-test).
//
//   node tools/editor/render_tokens.js GRAMMAR.json FILE.bot
//
// Prints JSON: one entry per line, {"text": line, "tokens": [{"start", "end", "scopes"}]}, the
// scopes outermost first. tools/editor/screenshot.py turns that into an editor-like HTML page.
"use strict";

const fs = require("fs");
const path = require("path");

const modules = path.join(__dirname, "vscode", "node_modules");
const vsctm = require(path.join(modules, "vscode-textmate"));
const oniguruma = require(path.join(modules, "vscode-oniguruma"));

async function main() {
  const [grammarPath, filePath] = process.argv.slice(2);
  if (!grammarPath || !filePath) {
    process.stderr.write("usage: node render_tokens.js GRAMMAR.json FILE.bot\n");
    process.exit(2);
  }
  const wasm = fs.readFileSync(path.join(modules, "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.bubble") return null;
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar("source.bubble");
  let stack = vsctm.INITIAL;
  const lines = fs.readFileSync(filePath, "utf8").replace(/\r\n/g, "\n").split("\n");
  const out = lines.map((text) => {
    const result = grammar.tokenizeLine(text, stack);
    stack = result.ruleStack;
    return {
      text,
      tokens: result.tokens.map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, text.length), scopes: t.scopes })),
    };
  });
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});
