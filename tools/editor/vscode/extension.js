// Starts `bubble lsp` (the language server of bubble_lang/lsp/) for .bot files and bubble.toml.
// The command is the setting `bubble.server.path` (default `bubble`, found on PATH; point it at
// a virtualenv's bin/bubble otherwise) with `bubble.server.args` (default ["lsp"]).
// Changing either restarts the server. See docs/editors.md, "Language server".
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("bubble");
  const command = config.get("server.path") || "bubble";
  const args = config.get("server.args") || ["lsp"];
  const executable = { command, args, transport: TransportKind.stdio };
  return { run: executable, debug: executable };
}

function clientOptions() {
  const config = vscode.workspace.getConfiguration("bubble");
  return {
    documentSelector: [
      { scheme: "file", language: "bubble" },
      { scheme: "untitled", language: "bubble" },
      { scheme: "file", pattern: "**/bubble.toml" },
    ],
    synchronize: {
      // a folder bot is all its .bot files, bubble.toml and data files: edits outside the editor count
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.bot,bubble.toml,*.yaml,*.yml,*.json,*.csv}"),
    },
    initializationOptions: { debounceMs: config.get("server.debounceMs") },
  };
}

async function start() {
  client = new LanguageClient("bubble", "Bubble language server", serverOptions(), clientOptions());
  try {
    await client.start();
  } catch (error) {
    const command = vscode.workspace.getConfiguration("bubble").get("server.path") || "bubble";
    vscode.window.showErrorMessage(
      `Could not start the bubble language server (\`${command} lsp\`): ${error.message || error}. ` +
      "Install it with `pip install 'bubble-lang[lsp]'`, or set `bubble.server.path`.");
    client = undefined;
  }
}

async function activate(context) {
  await start();
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (event) => {
    if (event.affectsConfiguration("bubble.server")) {
      if (client) {
        await client.stop();
      }
      await start();
    }
  }));
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
