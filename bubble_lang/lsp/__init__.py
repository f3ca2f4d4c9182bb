"""`bubble lsp`: a language server for `.bot` scripts (pygls over stdio; optional extra `lsp`).

Diagnostics as you type (the codes, messages and places of `bubble lint`, for the whole bot a file
belongs to), hover, go to definition, references, completion, rename, document symbols, formatting
(`bubble fmt`) and "did you mean" quick fixes. The modules, each with one job:

- `positions`: offsets <-> LSP's 0-based lines and UTF-16 columns;
- `workspace_bots`: which bot a document belongs to, buffers over disk;
- `text_blocks`: a script as top-level blocks, each parsed once per text;
- `symbol_index`, `bot_index`: definitions and uses by name;
- `quick_resolve`, `analysis`: the front end of `bubble lint` on buffers, incrementally;
- `analysis_scheduler`: debounced, cancellable checks on a worker thread;
- `diagnostic_convert`, `code_actions`: diagnostics and their quick fixes on the wire;
- `node_lookup`, `hover`, `navigation`, `completion`, `document_symbols`: the requests;
- `protocol_guard`, `language_server`, `request_handlers`: the pygls server.

pygls is imported only by the modules that speak the protocol, so the rest can be used (and
tested) without it, and `bubble lsp` without the extra says how to install it.
"""
