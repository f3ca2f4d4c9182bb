/* The front end's optional C accelerator (layer 3): the tokenizer's scan, the LALR driver's loop,
 * the spans of built nodes and the making of the nodes built most (`build_makers.py`).
 *
 * Why: on a 10,000-dialog script (77,500 lines, 290,000 tokens) the Python tokenizer spent 0.6 s and
 * the Python LALR loop 0.35 s in interpreter overhead alone (`tools/bench/parse_resolve.py`). This
 * file does exactly what `lexer.py` (`_Lexer.run` and `tokenize`) and `lalr_run.py`
 * (`LeanParser.parse`) do, on the same Lark `Token` objects, tables and builder callbacks.
 *
 * The Python code stays the reference and the only place errors are worded: whenever this scanner
 * meets anything it would have to report (an unclosed string, an unknown character, a bracket that
 * does not match, nesting beyond the limit), it returns None and `lexer.tokenize` scans again in
 * Python, which raises the diagnostic. tests/syntax/test_accel.py checks both give the same tokens
 * on every script in the repository and on generated text. It only slices text: nothing is ever
 * evaluated. Built at install time when a C compiler is present (hatch_build.py); without it,
 * bubble runs the Python code, only slower. BUBBLE_NO_ACCEL=1 turns it off.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* ------------------------------------------------------------------ token types */

enum {
    TK_DIALOG, TK_TASK, TK_TEST, TK_DO, TK_END, TK_IF, TK_UNLESS, TK_ELSE, TK_BRANCH, TK_REPEAT, TK_IN,
    TK_RANDOM, TK_ONCE, TK_AFTER, TK_WHEN, TK_AND, TK_OR, TK_NOT, TK_TRUE, TK_FALSE, TK_NIL,
    TK_ARROW, TK_EQ, TK_NE, TK_LE, TK_GE, TK_ANDAND, TK_OROR, TK_MAP_START, TK_LT, TK_GT, TK_PLUS, TK_MINUS,
    TK_STAR, TK_SLASH, TK_BANG, TK_ASSIGN, TK_DOT, TK_COMMA, TK_COLON, TK_LPAR, TK_RPAR, TK_LSQB, TK_RSQB,
    TK_RBRACE,
    TK_CALL_LPAR, TK_INDEX_LSQB, TK_NAME, TK_CMD, TK_KEY, TK_DO_COLON, TK_COMMA_DO, TK_TRANSLATE, TK_CONST,
    TK_CONST_DEF, TK_ATOM, TK_NUMBER, TK_STRING, TK_STR_START, TK_STR_TEXT, TK_STR_END, TK_INTERP_START,
    TK_INTERP_END, TK_NL,
    TK_COUNT,
    TK_NONE = -1
};

static const char *TYPE_NAMES[TK_COUNT] = {
    "DIALOG", "TASK", "TEST", "DO", "END", "IF", "UNLESS", "ELSE", "BRANCH", "REPEAT", "IN",
    "RANDOM", "ONCE", "AFTER", "WHEN", "AND", "OR", "NOT", "TRUE", "FALSE", "NIL",
    "ARROW", "EQ", "NE", "LE", "GE", "ANDAND", "OROR", "MAP_START", "LT", "GT", "PLUS", "MINUS",
    "STAR", "SLASH", "BANG", "ASSIGN", "DOT", "COMMA", "COLON", "LPAR", "RPAR", "LSQB", "RSQB",
    "RBRACE",
    "CALL_LPAR", "INDEX_LSQB", "NAME", "CMD", "KEY", "DO_COLON", "COMMA_DO", "TRANSLATE", "CONST",
    "CONST_DEF", "ATOM", "NUMBER", "STRING", "STR_START", "STR_TEXT", "STR_END", "INTERP_START",
    "INTERP_END", "_NL",
};

/* The keywords of lexer.KEYWORDS, in the order of the enum's first entries. */
static const char *KEYWORD_WORDS[] = {
    "dialog", "task", "test", "do", "end", "if", "unless", "else", "branch", "repeat", "in",
    "random", "once", "after", "when", "and", "or", "not", "true", "false", "nil",
};
#define KEYWORD_COUNT 21

/* lexer.OPERATORS, longest first, with their types. */
static const struct { const char *symbol; int type; } OPERATORS[] = {
    {"->", TK_ARROW}, {"==", TK_EQ}, {"!=", TK_NE}, {"<=", TK_LE}, {">=", TK_GE}, {"&&", TK_ANDAND},
    {"||", TK_OROR}, {"%{", TK_MAP_START}, {"<", TK_LT}, {">", TK_GT}, {"+", TK_PLUS}, {"-", TK_MINUS},
    {"*", TK_STAR}, {"/", TK_SLASH}, {"!", TK_BANG}, {"=", TK_ASSIGN}, {".", TK_DOT}, {",", TK_COMMA},
    {":", TK_COLON}, {"(", TK_LPAR}, {")", TK_RPAR}, {"[", TK_LSQB}, {"]", TK_RSQB}, {"}", TK_RBRACE},
};
#define OPERATOR_COUNT 24

/* Membership in lexer.CONTINUATION_TYPES, POSTFIX_OPENERS and STATEMENT_STARTERS. */
#define F_CONTINUATION 1
#define F_POSTFIX 2
#define F_STARTER 4
static unsigned char FLAGS[TK_COUNT];

static PyObject *TYPE_STRINGS[TK_COUNT];   /* interned type names */
static PyObject *SYMBOL_STRINGS[TK_COUNT]; /* the fixed text of keywords and operators, or NULL */

/* ------------------------------------------------------------------ the scanner */

enum { O_PAR, O_SQB, O_MAP, O_INTERP, O_DO };

typedef struct {
    PyObject *text;
    int kind;
    const void *data;
    Py_ssize_t length;
    Py_ssize_t pos;
    PyObject *tokens;        /* list of Token */
    PyTypeObject *token_type;
    PyObject *statements;    /* frozenset of statement words */
    Py_ssize_t *slot_offsets; /* where each Token slot lives, or NULL to use setattr */
    int *opener_kinds;
    Py_ssize_t *opener_at;
    Py_ssize_t openers, nesting_limit, brackets;
    int last_type;
    PyObject *unmatched_ends; /* list of int */
    Py_ssize_t suspect_do;    /* -1: none */
    int bail;                 /* 1: let the Python lexer take over (an error to report) */
} Scan;

/* Lark's Token slots, in the order `_new_token` sets them. */
static const char *SLOT_NAMES[] = {"type", "value", "start_pos", "end_pos", "line", "column",
                                   "end_line", "end_column"};
#define SLOT_COUNT 8
#define MAX_C_NESTING 1000

#define CH(s, i) PyUnicode_READ((s)->kind, (s)->data, (i))
#define AT(s, i) ((i) < (s)->length ? (Py_UCS4)CH(s, i) : (Py_UCS4)0x110000)

static int is_ascii_alpha(Py_UCS4 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_name_start(Py_UCS4 c) { return is_ascii_alpha(c) || c == '_'; }
static int is_name_char(Py_UCS4 c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
static int is_space(Py_UCS4 c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r'; }
/* `\d`, `\w` and `\s` as Python's `re` reads them in a str pattern (sre's SRE_UNI_IS_*). */
static int re_digit(Py_UCS4 c) { return c < 0x110000 && Py_UNICODE_ISDECIMAL(c); }
static int re_word(Py_UCS4 c) { return c < 0x110000 && (Py_UNICODE_ISALNUM(c) || c == '_'); }
static int re_space(Py_UCS4 c) { return c < 0x110000 && Py_UNICODE_ISSPACE(c); }

static PyObject *new_long(Py_ssize_t value) { return PyLong_FromSsize_t(value); }

/* One token, as `lexer._new_token` makes it: `str.__new__(Token, value)` with every slot set. */
static int emit(Scan *s, int type, PyObject *value, Py_ssize_t start, Py_ssize_t end) {
    PyObject *args = PyTuple_Pack(1, value);
    if (!args) return -1;
    PyObject *token = PyUnicode_Type.tp_new(s->token_type, args, NULL);
    Py_DECREF(args);
    if (!token) return -1;
    PyObject *start_pos = new_long(start), *end_pos = new_long(end);
    if (!start_pos || !end_pos) {
        Py_XDECREF(start_pos); Py_XDECREF(end_pos); Py_DECREF(token);
        return -1;
    }
    PyObject *slots[SLOT_COUNT] = {TYPE_STRINGS[type], value, start_pos, end_pos,
                                   Py_None, Py_None, Py_None, Py_None};
    for (int i = 0; i < SLOT_COUNT; i++) {
        if (s->slot_offsets) {
            PyObject **place = (PyObject **)((char *)token + s->slot_offsets[i]);
            Py_INCREF(slots[i]);
            Py_XSETREF(*place, slots[i]);
        } else if (PyObject_SetAttrString(token, SLOT_NAMES[i], slots[i]) < 0) {
            Py_DECREF(start_pos); Py_DECREF(end_pos); Py_DECREF(token);
            return -1;
        }
    }
    Py_DECREF(start_pos);
    Py_DECREF(end_pos);
    int failed = PyList_Append(s->tokens, token);
    Py_DECREF(token);
    if (failed) return -1;
    s->last_type = type;
    return 0;
}

/* A token whose value is part of its span (a plain string's text without its quotes). */
static int emit_inner(Scan *s, int type, Py_ssize_t value_start, Py_ssize_t value_end,
                      Py_ssize_t start, Py_ssize_t end) {
    PyObject *value = PyUnicode_Substring(s->text, value_start, value_end);
    if (!value) return -1;
    int result = emit(s, type, value, start, end);
    Py_DECREF(value);
    return result;
}

/* A token whose value is its span's text. */
static int emit_slice(Scan *s, int type, Py_ssize_t start, Py_ssize_t end) {
    return emit_inner(s, type, start, end, start, end);
}

static int emit_fixed(Scan *s, int type, Py_ssize_t start, Py_ssize_t end) {
    return emit(s, type, SYMBOL_STRINGS[type], start, end);
}

static int emit_text(Scan *s, int type, const char *value, Py_ssize_t start, Py_ssize_t end) {
    PyObject *text = PyUnicode_FromString(value);
    if (!text) return -1;
    int result = emit(s, type, text, start, end);
    Py_DECREF(text);
    return result;
}

static int at_statement_start(Scan *s) {
    return PyList_GET_SIZE(s->tokens) == 0 || (FLAGS[s->last_type] & F_STARTER);
}

/* -1: error set; 0: fine; the bail flag is set for a nesting beyond the limit (B009). */
static int push(Scan *s, int kind, Py_ssize_t offset) {
    if (s->openers >= s->nesting_limit) {
        s->bail = 1;
        return 0;
    }
    s->opener_kinds[s->openers] = kind;
    s->opener_at[s->openers] = offset;
    s->openers++;
    if (kind != O_DO) s->brackets++;
    return 0;
}

static Py_ssize_t indentation(Scan *s, Py_ssize_t offset) {
    Py_ssize_t start = offset;
    while (start > 0 && CH(s, start - 1) != '\n') start--;
    Py_ssize_t at = start;
    while (at < s->length && (CH(s, at) == ' ' || CH(s, at) == '\t')) at++;
    return at - start;
}

/* `end`: a stray one is recorded for the parser to report; the first `do` whose `end` sits at
 * another indentation is the likely unclosed block (lexer._Lexer.pop). */
static int pop_end(Scan *s, Py_ssize_t offset) {
    if (s->openers == 0 || s->opener_kinds[s->openers - 1] != O_DO) {
        PyObject *at = new_long(offset);
        if (!at) return -1;
        int failed = PyList_Append(s->unmatched_ends, at);
        Py_DECREF(at);
        return failed ? -1 : 0;
    }
    Py_ssize_t do_at = s->opener_at[s->openers - 1];
    if (s->suspect_do < 0 && indentation(s, do_at) != indentation(s, offset)) s->suspect_do = do_at;
    s->openers--;
    return 0;
}

/* A closing bracket; anything but its opener on top is an error the Python lexer words. */
static void pop_bracket(Scan *s, int closer) {
    if (s->openers == 0) { s->bail = 1; return; }
    int top = s->opener_kinds[s->openers - 1];
    int fits = (closer == ')' && top == O_PAR) || (closer == ']' && top == O_SQB)
               || (closer == '}' && (top == O_MAP || top == O_INTERP));
    if (!fits) { s->bail = 1; return; }
    s->openers--;
    s->brackets--;
}

static int starts_with(Scan *s, Py_ssize_t at, const char *prefix) {
    for (Py_ssize_t i = 0; prefix[i]; i++) {
        if (at + i >= s->length || CH(s, at + i) != (Py_UCS4)(unsigned char)prefix[i]) return 0;
    }
    return 1;
}

/* lexer._starts_argument: a space, then the start of an expression (not an operator word). */
static int starts_argument(Scan *s, Py_ssize_t end) {
    Py_ssize_t at = end;
    while (at < s->length && is_space(CH(s, at))) at++;
    if (at == end) return 0;
    if (starts_with(s, at, "->")) return 0;
    static const char *operator_words[] = {"in", "and", "or", "when", "do", "else", "end", "after"};
    for (int i = 0; i < 8; i++) {
        if (starts_with(s, at, operator_words[i])) {
            Py_ssize_t after = at + (Py_ssize_t)strlen(operator_words[i]);
            if (after >= s->length || !re_word(CH(s, after))) return 0; /* `\b` */
        }
    }
    Py_UCS4 c = AT(s, at);
    if (c == '"' || c == '\'' || c == '[' || c == '(' || c == '@' || c == ':' || c == '%' || c == '_'
        || c == '!' || is_ascii_alpha(c) || re_digit(c))
        return 1;
    return c == '-' && at + 1 < s->length && !re_space(CH(s, at + 1));
}

static int newline(Scan *s, Py_ssize_t offset) {
    if (s->brackets > 0) return 0;
    if (PyList_GET_SIZE(s->tokens) == 0 || s->last_type == TK_NL || (FLAGS[s->last_type] & F_CONTINUATION))
        return 0;
    return emit_fixed(s, TK_NL, offset, offset + 1);
}

static int keyword_of(Scan *s, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t size = end - start;
    if (size < 2 || size > 6) return TK_NONE;
    for (int k = 0; k < KEYWORD_COUNT; k++) {
        const char *word = KEYWORD_WORDS[k];
        if ((Py_ssize_t)strlen(word) == size && starts_with(s, start, word)) return k;
    }
    return TK_NONE;
}

/* lexer._Lexer.is_command_position. -1 on error. */
static int is_command_position(Scan *s, Py_ssize_t start, Py_ssize_t end) {
    if (s->brackets > 0) return 0;
    int at_start = at_statement_start(s);
    int statement = -1; /* not yet looked up */
    if (!at_start) {
        if (s->last_type != TK_ASSIGN) return 0;
    }
    if (!at_start || AT(s, end) == '(') {
        PyObject *word = PyUnicode_Substring(s->text, start, end);
        if (!word) return -1;
        statement = PySet_Contains(s->statements, word);
        Py_DECREF(word);
        if (statement < 0) return -1;
        if (!at_start && !statement) return 0;
        if (at_start && statement && AT(s, end) == '(') return 1;
    }
    return starts_argument(s, end);
}

static int scan_word(Scan *s) {
    Py_ssize_t start = s->pos, end = start;
    while (end < s->length && is_name_char(CH(s, end))) end++;
    Py_UCS4 after = AT(s, end);
    if (after == ':' && AT(s, end + 1) != ':') {
        s->pos = end + 1;
        if (end - start == 2 && starts_with(s, start, "do")) {
            if (s->last_type == TK_COMMA) {
                Py_ssize_t last = PyList_GET_SIZE(s->tokens) - 1;
                PyObject *comma = PyList_GET_ITEM(s->tokens, last);
                PyObject *comma_start = PyObject_GetAttrString(comma, "start_pos");
                if (!comma_start) return -1;
                Py_ssize_t comma_at = PyLong_AsSsize_t(comma_start);
                Py_DECREF(comma_start);
                if (PyList_SetSlice(s->tokens, last, last + 1, NULL) < 0) return -1;
                return emit_text(s, TK_COMMA_DO, ", do:", comma_at, end + 1);
            }
            return emit_text(s, TK_DO_COLON, "do:", start, end + 1);
        }
        return emit_slice(s, TK_KEY, start, end + 1);
    }
    s->pos = end;
    if (end - start == 1 && CH(s, start) == '_' && after == '"') return emit_slice(s, TK_TRANSLATE, start, end);
    if (s->last_type == TK_DOT) return emit_slice(s, TK_NAME, start, end);
    int keyword = keyword_of(s, start, end);
    if (keyword == TK_DIALOG && after == '.') keyword = TK_NONE;
    if (keyword != TK_NONE) {
        if (keyword == TK_DO) {
            if (push(s, O_DO, start) < 0) return -1;
            if (s->bail) return 0;
        } else if (keyword == TK_END) {
            if (pop_end(s, start) < 0) return -1;
        }
        return emit_fixed(s, keyword, start, end);
    }
    int command = is_command_position(s, start, end);
    if (command < 0) return -1;
    return emit_slice(s, command ? TK_CMD : TK_NAME, start, end);
}

static int scan_constant(Scan *s) {
    Py_ssize_t start = s->pos, end = start + 1;
    if (!is_name_start(AT(s, end))) { s->bail = 1; return 0; }
    while (end < s->length && is_name_char(CH(s, end))) end++;
    int type = TK_CONST;
    if (at_statement_start(s) && s->brackets == 0 && starts_argument(s, end)) type = TK_CONST_DEF;
    s->pos = end;
    return emit_slice(s, type, start, end);
}

/* lexer._NUMBER: \d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)? */
static int scan_number(Scan *s) {
    Py_ssize_t start = s->pos, end = start + 1;
    while (end < s->length && (re_digit(CH(s, end)) || CH(s, end) == '_')) end++;
    if (AT(s, end) == '.' && re_digit(AT(s, end + 1))) {
        end += 2;
        while (end < s->length && (re_digit(CH(s, end)) || CH(s, end) == '_')) end++;
    }
    Py_UCS4 e = AT(s, end);
    if (e == 'e' || e == 'E') {
        Py_ssize_t digits = end + 1;
        if (AT(s, digits) == '+' || AT(s, digits) == '-') digits++;
        if (re_digit(AT(s, digits))) {
            end = digits + 1;
            while (end < s->length && re_digit(CH(s, end))) end++;
        }
    }
    s->pos = end;
    return emit_slice(s, TK_NUMBER, start, end);
}

static int scan_operator(Scan *s) {
    Py_ssize_t start = s->pos;
    int found = -1;
    for (int i = 0; i < OPERATOR_COUNT; i++) {
        if (starts_with(s, start, OPERATORS[i].symbol)) { found = i; break; }
    }
    if (found < 0) { s->bail = 1; return 0; } /* B003 or B004: the Python lexer words it */
    int type = OPERATORS[found].type;
    Py_ssize_t end = start + (Py_ssize_t)strlen(OPERATORS[found].symbol);
    Py_UCS4 before = start > 0 ? CH(s, start - 1) : 0;
    int spaced = start > 0 && (before == ' ' || before == '\t' || before == '\n');
    int postfix = PyList_GET_SIZE(s->tokens) > 0 && (FLAGS[s->last_type] & F_POSTFIX);
    if (type == TK_LPAR) {
        if (postfix && !spaced && s->last_type != TK_STR_END && s->last_type != TK_STRING) type = TK_CALL_LPAR;
        push(s, O_PAR, start);
    } else if (type == TK_LSQB) {
        if (postfix && !spaced) type = TK_INDEX_LSQB;
        push(s, O_SQB, start);
    } else if (type == TK_MAP_START) {
        push(s, O_MAP, start);
    } else if (type == TK_RPAR) {
        pop_bracket(s, ')');
    } else if (type == TK_RSQB) {
        pop_bracket(s, ']');
    } else if (type == TK_RBRACE) {
        pop_bracket(s, '}');
    }
    if (s->bail) return 0;
    s->pos = end;
    return emit_fixed(s, type, start, end);
}

static int run(Scan *s);

/* A string with `#{…}` interpolations (lexer._Lexer.scan_string). With none it is one STRING. */
static int scan_string(Scan *s) {
    Py_ssize_t open_at = s->pos;
    s->pos++;
    Py_ssize_t chunk_start = s->pos;
    int simple = 1;
    for (;;) {
        if (s->pos >= s->length) { s->bail = 1; return 0; } /* B001/B002 */
        Py_UCS4 c = CH(s, s->pos);
        if (c == '\\') {
            s->pos += 2;
        } else if (c == '"' && simple) {
            Py_ssize_t close = s->pos;
            s->pos++;
            return emit_inner(s, TK_STRING, open_at + 1, close, open_at, close + 1);
        } else if (c == '"') {
            if (s->pos > chunk_start && emit_slice(s, TK_STR_TEXT, chunk_start, s->pos) < 0) return -1;
            if (emit_fixed(s, TK_STR_END, s->pos, s->pos + 1) < 0) return -1;
            s->pos++;
            return 0;
        } else if (c == '#' && AT(s, s->pos + 1) == '{') {
            if (simple && emit_fixed(s, TK_STR_START, open_at, open_at + 1) < 0) return -1;
            if (s->pos > chunk_start && emit_slice(s, TK_STR_TEXT, chunk_start, s->pos) < 0) return -1;
            Py_ssize_t interp_at = s->pos;
            simple = 0;
            if (emit_fixed(s, TK_INTERP_START, interp_at, interp_at + 2) < 0) return -1;
            push(s, O_INTERP, interp_at);
            if (s->bail) return 0;
            s->pos += 2;
            Py_ssize_t depth = s->openers;
            if (run(s) < 0) return -1;
            if (s->bail) return 0;
            if (s->pos >= s->length || s->openers != depth) { s->bail = 1; return 0; }
            s->openers--;
            s->brackets--;
            if (emit_fixed(s, TK_INTERP_END, s->pos, s->pos + 1) < 0) return -1;
            s->pos++;
            chunk_start = s->pos;
        } else {
            Py_ssize_t at = s->pos + 1;
            while (at < s->length) {
                Py_UCS4 d = CH(s, at);
                if (d == '\\' || d == '"' || d == '#') break;
                at++;
            }
            s->pos = at;
        }
    }
}

static int run(Scan *s) {
    while (s->pos < s->length && !s->bail) {
        Py_UCS4 c = CH(s, s->pos);
        int failed = 0;
        if (is_space(c)) {
            while (s->pos < s->length && is_space(CH(s, s->pos))) s->pos++;
        } else if (c == '\n' || c == ';') {
            failed = newline(s, s->pos);
            s->pos++;
        } else if (c == '#') {
            while (s->pos < s->length && CH(s, s->pos) != '\n') s->pos++;
        } else if (c == '\\' && AT(s, s->pos + 1) == '\n') {
            s->pos += 2;
        } else if (c == '"') {
            failed = scan_string(s);
        } else if (c >= '0' && c <= '9') {
            failed = scan_number(s);
        } else if (is_name_start(c)) {
            failed = scan_word(s);
        } else if (c == '@') {
            failed = scan_constant(s);
        } else if (c == ':' && is_name_start(AT(s, s->pos + 1))) {
            Py_ssize_t end = s->pos + 1;
            while (end < s->length && is_name_char(CH(s, end))) end++;
            failed = emit_slice(s, TK_ATOM, s->pos, end);
            s->pos = end;
        } else if (c == '}' && s->openers > 0 && s->opener_kinds[s->openers - 1] == O_INTERP) {
            return 0; /* the end of an interpolation: the string scanner takes over */
        } else {
            failed = scan_operator(s);
        }
        if (failed < 0) return -1;
    }
    return 0;
}

/* Where a type's slot `name` lives in its instances: an offset, -1 when it is not a plain object
 * slot, -2 with an error set when the type has no such attribute. */
static Py_ssize_t slot_offset(PyObject *type, const char *name) {
    PyObject *descr = PyObject_GetAttrString(type, name);
    if (!descr) return -2;
    Py_ssize_t offset = -1;
    if (Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type == T_OBJECT_EX || member->type == T_OBJECT) offset = member->offset;
    }
    Py_DECREF(descr);
    return offset;
}

/* scan(text, token_type, statements, nesting_limit) -> (tokens, unmatched_ends, unclosed_dos,
 * suspect_do) or None: None when the text has an error for `lexer.py` to report. */
static PyObject *accel_scan(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *text, *token_type, *statements;
    Py_ssize_t nesting_limit;
    if (!PyArg_ParseTuple(args, "UOOn", &text, &token_type, &statements, &nesting_limit)) return NULL;
    if (!PyType_Check(token_type) || !PyType_IsSubtype((PyTypeObject *)token_type, &PyUnicode_Type)) {
        PyErr_SetString(PyExc_TypeError, "token_type must be a str subclass");
        return NULL;
    }
    if (nesting_limit < 0) nesting_limit = 0;
    /* Each `#{` nests a C call; past this the Python scanner, with its recursion guard, takes over
     * (bubble.toml caps `syntax_nesting` at 200 anyway). */
    if (nesting_limit > MAX_C_NESTING) Py_RETURN_NONE;
    Scan s;
    memset(&s, 0, sizeof s);
    s.text = text;
    s.kind = PyUnicode_KIND(text);
    s.data = PyUnicode_DATA(text);
    s.length = PyUnicode_GET_LENGTH(text);
    s.token_type = (PyTypeObject *)token_type;
    s.statements = statements;
    s.nesting_limit = nesting_limit;
    s.last_type = TK_NONE;
    s.suspect_do = -1;
    PyObject *result = NULL;
    Py_ssize_t offsets[SLOT_COUNT];
    s.slot_offsets = offsets;
    for (int i = 0; i < SLOT_COUNT; i++) {
        offsets[i] = slot_offset(token_type, SLOT_NAMES[i]);
        if (offsets[i] == -2) return NULL;
        if (offsets[i] == -1) s.slot_offsets = NULL; /* not a plain slot: set attributes instead */
    }
    s.opener_kinds = PyMem_Malloc(sizeof(int) * (size_t)(nesting_limit + 1));
    s.opener_at = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(nesting_limit + 1));
    s.tokens = PyList_New(0);
    s.unmatched_ends = PyList_New(0);
    if (!s.opener_kinds || !s.opener_at || !s.tokens || !s.unmatched_ends) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    if (run(&s) < 0) goto done;
    int open_brackets = 0;
    for (Py_ssize_t i = 0; i < s.openers; i++) {
        if (s.opener_kinds[i] != O_DO) open_brackets = 1;
    }
    if (s.bail || s.pos < s.length || open_brackets) { /* an error (B007 for an unclosed bracket) */
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (PyList_GET_SIZE(s.tokens) > 0 && s.last_type != TK_NL) {
        PyObject *empty = PyUnicode_New(0, 0);
        if (!empty) goto done;
        int failed = emit(&s, TK_NL, empty, s.length, s.length);
        Py_DECREF(empty);
        if (failed) goto done;
    }
    PyObject *unclosed = PyList_New(0);
    if (!unclosed) goto done;
    for (Py_ssize_t i = 0; i < s.openers; i++) {
        PyObject *at = new_long(s.opener_at[i]);
        if (!at || PyList_Append(unclosed, at) < 0) {
            Py_XDECREF(at);
            Py_DECREF(unclosed);
            goto done;
        }
        Py_DECREF(at);
    }
    PyObject *suspect = s.suspect_do < 0 ? Py_NewRef(Py_None) : new_long(s.suspect_do);
    if (!suspect) { Py_DECREF(unclosed); goto done; }
    result = Py_BuildValue("(OONN)", s.tokens, s.unmatched_ends, unclosed, suspect);
done:
    Py_XDECREF(s.tokens);
    Py_XDECREF(s.unmatched_ends);
    PyMem_Free(s.opener_kinds);
    PyMem_Free(s.opener_at);
    return result;
}

/* ------------------------------------------------------------------ the LALR driver */

/* A reduction's plan (lalr_run.Plan), as its Python function `reduce` does it: keep, drop or
 * splice each child, then pass the kept ones up (an inlined rule), return the only one (`?rule`),
 * or build the node. */
static PyObject *run_plan(PyObject *plan, PyObject *children) {
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 4) {
        PyErr_SetString(PyExc_TypeError, "a plan is (steps, inline, expand1, build)");
        return NULL;
    }
    PyObject *steps = PyTuple_GET_ITEM(plan, 0), *build = PyTuple_GET_ITEM(plan, 3);
    int inline_ = PyTuple_GET_ITEM(plan, 1) == Py_True, expand1 = PyTuple_GET_ITEM(plan, 2) == Py_True;
    PyObject *kept;
    if (steps == Py_None) {
        kept = Py_NewRef(children);
    } else {
        if (!PyBytes_Check(steps) || PyBytes_GET_SIZE(steps) != PyList_GET_SIZE(children)) {
            PyErr_SetString(PyExc_TypeError, "a plan's steps do not fit the rule");
            return NULL;
        }
        const char *step = PyBytes_AS_STRING(steps);
        kept = NULL;
        for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(steps); i++) {
            PyObject *child = PyList_GET_ITEM(children, i);
            if (step[i] == 1) { /* KEEP */
                if (!kept && !(kept = PyList_New(0))) return NULL;
                if (PyList_Append(kept, child) < 0) { Py_DECREF(kept); return NULL; }
            } else if (step[i] == 2) { /* SPLICE: the inner list grows in place (left recursion) */
                if (!kept || PyList_GET_SIZE(kept) == 0) {
                    if (!PyList_Check(child)) {
                        Py_XDECREF(kept);
                        PyErr_SetString(PyExc_TypeError, "a spliced child is not a list");
                        return NULL;
                    }
                    Py_XSETREF(kept, Py_NewRef(child));
                } else {
                    Py_ssize_t at = PyList_GET_SIZE(kept);
                    if (PyList_SetSlice(kept, at, at, child) < 0) { Py_DECREF(kept); return NULL; }
                }
            }
        }
        if (!kept && !(kept = PyList_New(0))) return NULL;
    }
    if (inline_) return kept;
    if (expand1 && PyList_GET_SIZE(kept) == 1) {
        PyObject *only = Py_NewRef(PyList_GET_ITEM(kept, 0));
        Py_DECREF(kept);
        return only;
    }
    PyObject *value = PyObject_CallOneArg(build, kept);
    Py_DECREF(kept);
    return value;
}

/* parse(actions, start, end, tokens, no_action) -> value, as lalr_run.LeanParser.parse: `actions`
 * maps a state to {token type: next state (a shift) or (size, reduce, plan, rule name) (a reduce)};
 * raises `no_action` at the first token the tables have no action for. */
static PyObject *accel_parse(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *actions, *start, *end, *tokens, *no_action;
    if (!PyArg_ParseTuple(args, "O!OOO!O", &PyDict_Type, &actions, &start, &end, &PyList_Type, &tokens,
                          &no_action))
        return NULL;
    static PyObject *end_type = NULL, *type_name = NULL;
    if (!end_type && !(end_type = PyUnicode_InternFromString("$END"))) return NULL;
    if (!type_name && !(type_name = PyUnicode_InternFromString("type"))) return NULL;
    Py_ssize_t capacity = 64, depth = 0;
    PyObject **states = PyMem_Malloc(sizeof(PyObject *) * (size_t)capacity);
    PyObject **values = PyMem_Malloc(sizeof(PyObject *) * (size_t)capacity);
    PyObject *result = NULL;
    if (!states || !values) { PyErr_NoMemory(); goto done; }
    states[0] = Py_NewRef(start);
    values[0] = Py_NewRef(Py_None); /* the start state holds no value */
    depth = 1;
    Py_ssize_t count = PyList_GET_SIZE(tokens);
    for (Py_ssize_t index = 0; index <= count; index++) {
        PyObject *token = index < count ? PyList_GET_ITEM(tokens, index) : NULL;
        PyObject *kind;
        if (token) {
            kind = PyObject_GetAttr(token, type_name);
            if (!kind) goto done;
        } else {
            kind = Py_NewRef(end_type);
        }
        for (;;) {
            PyObject *row = PyDict_GetItemWithError(actions, states[depth - 1]);
            PyObject *action = row ? PyDict_GetItemWithError(row, kind) : NULL;
            if (!action) {
                Py_DECREF(kind);
                if (!PyErr_Occurred()) PyErr_SetNone(no_action);
                goto done;
            }
            if (!PyTuple_CheckExact(action)) { /* a shift (never of the end marker) */
                if (!token) { Py_DECREF(kind); PyErr_SetNone(no_action); goto done; }
                if (depth == capacity) {
                    capacity *= 2;
                    PyObject **more_states = PyMem_Realloc(states, sizeof(PyObject *) * (size_t)capacity);
                    if (more_states) states = more_states;
                    PyObject **more_values = PyMem_Realloc(values, sizeof(PyObject *) * (size_t)capacity);
                    if (more_values) values = more_values;
                    if (!more_states || !more_values) { Py_DECREF(kind); PyErr_NoMemory(); goto done; }
                }
                states[depth] = Py_NewRef(action);
                values[depth] = Py_NewRef(token);
                depth++;
                break;
            }
            if (PyTuple_GET_SIZE(action) != 4) {
                Py_DECREF(kind);
                PyErr_SetString(PyExc_TypeError, "a reduce action is (size, reduce, plan, origin)");
                goto done;
            }
            Py_ssize_t size = PyLong_AsSsize_t(PyTuple_GET_ITEM(action, 0));
            PyObject *reduce = PyTuple_GET_ITEM(action, 1), *plan = PyTuple_GET_ITEM(action, 2);
            PyObject *origin = PyTuple_GET_ITEM(action, 3);
            if (size < 0 || size >= depth) {
                Py_DECREF(kind);
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "LALR stack underflow");
                goto done;
            }
            PyObject *following;
            if (reduce == Py_None) { /* a unit rule: the value stays, only the state changes */
                PyObject *below = PyDict_GetItemWithError(actions, states[depth - 2]);
                following = below ? PyDict_GetItemWithError(below, origin) : NULL;
                if (!following) { Py_DECREF(kind); if (!PyErr_Occurred()) PyErr_SetNone(no_action); goto done; }
                Py_SETREF(states[depth - 1], Py_NewRef(following));
            } else {
                PyObject *children = PyList_New(size);
                if (!children) { Py_DECREF(kind); goto done; }
                for (Py_ssize_t i = 0; i < size; i++) {
                    PyList_SET_ITEM(children, i, values[depth - size + i]); /* the reference moves */
                    Py_DECREF(states[depth - size + i]);
                }
                depth -= size;
                PyObject *row_below = PyDict_GetItemWithError(actions, states[depth - 1]);
                following = row_below ? PyDict_GetItemWithError(row_below, origin) : NULL;
                if (!following) {
                    Py_DECREF(children); Py_DECREF(kind);
                    if (!PyErr_Occurred()) PyErr_SetNone(no_action);
                    goto done;
                }
                PyObject *value = plan == Py_None ? PyObject_CallOneArg(reduce, children) : run_plan(plan, children);
                Py_DECREF(children);
                if (!value) { Py_DECREF(kind); goto done; }
                states[depth] = Py_NewRef(following);
                values[depth] = value;
                depth++;
            }
            int accepted = PyObject_RichCompareBool(following, end, Py_EQ);
            if (accepted < 0) { Py_DECREF(kind); goto done; }
            if (accepted) {
                Py_DECREF(kind);
                result = Py_NewRef(values[depth - 1]);
                goto done;
            }
        }
        Py_DECREF(kind);
    }
    PyErr_SetNone(no_action); /* the tables ran out of input without accepting */
done:
    if (states && values) {
        for (Py_ssize_t i = 0; i < depth; i++) {
            Py_DECREF(states[i]);
            Py_DECREF(values[i]);
        }
    }
    PyMem_Free(states);
    PyMem_Free(values);
    return result;
}

/* ------------------------------------------------------------------ records made without __init__ */

/* slot_offset, with an error when `name` is not a plain object slot. */
static Py_ssize_t member_offset(PyObject *type, const char *name) {
    Py_ssize_t offset = slot_offset(type, name);
    if (offset == -1) PyErr_Format(PyExc_TypeError, "%s is not a slot", name);
    return offset < 0 ? -1 : offset;
}


/* A maker builds instances of one frozen attrs class from positional values, writing its slots
 * directly: what the class's generated __init__ does (one `object.__setattr__` call per field), at
 * a sixth of the cost. `build_makers.made_by` checks the class qualifies (slots, no validators,
 * converters, factories or __attrs_post_init__) and passes every other field's default. */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyTypeObject *type;
    Py_ssize_t given;     /* how many positional values a call takes */
    Py_ssize_t total;     /* given + the fields set to their defaults */
    Py_ssize_t *offsets;  /* where each goes: the given ones first */
    PyObject *defaults;   /* tuple of the other fields' values, in `offsets` order after the given */
    PyObject *names;      /* the given fields' names, for errors and repr */
} Maker;

static PyObject *maker_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    Maker *maker = (Maker *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != maker->given || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_Format(PyExc_TypeError, "%s maker takes %zd positional values %R", maker->type->tp_name,
                     maker->given, maker->names);
        return NULL;
    }
    PyObject *record = maker->type->tp_alloc(maker->type, 0);
    if (!record) return NULL;
    for (Py_ssize_t i = 0; i < maker->total; i++) {
        PyObject *value = i < nargs ? args[i] : PyTuple_GET_ITEM(maker->defaults, i - nargs);
        *(PyObject **)((char *)record + maker->offsets[i]) = Py_NewRef(value);
    }
    return record;
}

static void maker_dealloc(PyObject *self) {
    Maker *maker = (Maker *)self;
    Py_XDECREF(maker->type);
    Py_XDECREF(maker->defaults);
    Py_XDECREF(maker->names);
    PyMem_Free(maker->offsets);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *maker_repr(PyObject *self) {
    Maker *maker = (Maker *)self;
    return PyUnicode_FromFormat("<maker of %s%R>", maker->type->tp_name, maker->names);
}

static PyTypeObject MakerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bubble_lang._accel.Maker",
    .tp_basicsize = sizeof(Maker),
    .tp_dealloc = maker_dealloc,
    .tp_vectorcall_offset = offsetof(Maker, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = maker_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Builds one frozen attrs class from positional values (record_maker).",
};

/* record_maker(cls, names, defaults) -> a maker: `maker(*values)` is `cls(**dict(zip(names,
 * values)), **dict(defaults))`, where `defaults` are (name, value) pairs for every other field. */
static PyObject *accel_record_maker(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *type, *names, *defaults;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyType_Type, &type, &PyTuple_Type, &names, &PyTuple_Type, &defaults))
        return NULL;
    Py_ssize_t given = PyTuple_GET_SIZE(names), total = given + PyTuple_GET_SIZE(defaults);
    Maker *maker = PyObject_New(Maker, &MakerType);
    if (!maker) return NULL;
    maker->vectorcall = maker_call;
    maker->type = (PyTypeObject *)Py_NewRef(type);
    maker->given = given;
    maker->total = total;
    maker->names = Py_NewRef(names);
    maker->defaults = PyTuple_New(total - given);
    maker->offsets = PyMem_Calloc((size_t)(total ? total : 1), sizeof(Py_ssize_t));
    if (!maker->defaults || !maker->offsets) { Py_DECREF(maker); return PyErr_NoMemory(); }
    for (Py_ssize_t i = 0; i < total; i++) {
        PyObject *name;
        if (i < given) {
            name = PyTuple_GET_ITEM(names, i);
        } else {
            PyObject *pair = PyTuple_GET_ITEM(defaults, i - given);
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
                Py_DECREF(maker);
                PyErr_SetString(PyExc_TypeError, "defaults are (name, value) pairs");
                return NULL;
            }
            name = PyTuple_GET_ITEM(pair, 0);
            PyTuple_SET_ITEM(maker->defaults, i - given, Py_NewRef(PyTuple_GET_ITEM(pair, 1)));
        }
        const char *text = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
        if (!text) {
            Py_DECREF(maker);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "field names are strings");
            return NULL;
        }
        Py_ssize_t offset = member_offset(type, text);
        if (offset < 0) { Py_DECREF(maker); return NULL; }
        for (Py_ssize_t j = 0; j < i; j++) {
            if (maker->offsets[j] == offset) {
                Py_DECREF(maker);
                return PyErr_Format(PyExc_TypeError, "field %s given twice", text);
            }
        }
        maker->offsets[i] = offset;
    }
    return (PyObject *)maker;
}

/* ------------------------------------------------------------------ spans of built nodes */

/* What `build._Builder._cover` needs, set once by `cover_setup`: a node's span runs from its first
 * positioned child to its last. Tokens, nodes (anything with a `span`) and lists are read here;
 * other children go to the Python functions (`build_state._start_of` / `_end_of`). */
static PyTypeObject *cover_token_type = NULL;
static PyObject *cover_span_maker = NULL; /* build_makers.span_node: Span(file, start, end) */
static PyObject *cover_node_types = NULL, *cover_start_of = NULL, *cover_end_of = NULL;
static Py_ssize_t token_start_offset = -1, token_end_offset = -1;
static PyObject *span_name = NULL, *start_name = NULL, *end_name = NULL;
static PyObject *cover_state_var = NULL; /* build_state._STATE: the parse's state, with its `source` */
static PyObject *source_name = NULL, *start_pos_name = NULL, *end_pos_name = NULL;

static PyObject *accel_cover_setup(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *token_type, *node_types, *span_maker, *start_of, *end_of, *state_var;
    if (!PyArg_ParseTuple(args, "O!O!O!OOO!", &PyType_Type, &token_type, &PyTuple_Type, &node_types,
                          &MakerType, &span_maker, &start_of, &end_of, &PyContextVar_Type, &state_var))
        return NULL;
    if (((Maker *)span_maker)->given != 3) {
        PyErr_SetString(PyExc_TypeError, "the span maker takes (file, start, end)");
        return NULL;
    }
    if ((token_start_offset = member_offset(token_type, "start_pos")) < 0) return NULL;
    if ((token_end_offset = member_offset(token_type, "end_pos")) < 0) return NULL;
    if (!span_name && !(span_name = PyUnicode_InternFromString("span"))) return NULL;
    if (!start_name && !(start_name = PyUnicode_InternFromString("start"))) return NULL;
    if (!end_name && !(end_name = PyUnicode_InternFromString("end"))) return NULL;
    if (!source_name && !(source_name = PyUnicode_InternFromString("source"))) return NULL;
    if (!start_pos_name && !(start_pos_name = PyUnicode_InternFromString("start_pos"))) return NULL;
    if (!end_pos_name && !(end_pos_name = PyUnicode_InternFromString("end_pos"))) return NULL;
    Py_XSETREF(cover_token_type, (PyTypeObject *)Py_NewRef(token_type));
    Py_XSETREF(cover_span_maker, Py_NewRef(span_maker));
    Py_XSETREF(cover_node_types, Py_NewRef(node_types));
    Py_XSETREF(cover_start_of, Py_NewRef(start_of));
    Py_XSETREF(cover_end_of, Py_NewRef(end_of));
    Py_XSETREF(cover_state_var, Py_NewRef(state_var));
    Py_RETURN_NONE;
}

/* Span(source, start, end), by the span maker; steals the references to `start` and `end`. */
static PyObject *new_span(PyObject *source, PyObject *start, PyObject *end) {
    PyObject *values[3] = {source, start, end};
    PyObject *span = maker_call(cover_span_maker, values, 3, NULL);
    Py_DECREF(start);
    Py_DECREF(end);
    return span;
}

/* A child's first (or last) offset as a new reference: an int, or None when it has no position. */
static PyObject *bound_of(PyObject *child, int last) {
    if (Py_TYPE(child) == cover_token_type) {
        PyObject *at = *(PyObject **)((char *)child + (last ? token_end_offset : token_start_offset));
        return Py_NewRef(at ? at : Py_None);
    }
    if (PyList_CheckExact(child)) {
        Py_ssize_t size = PyList_GET_SIZE(child);
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *item = PyList_GET_ITEM(child, last ? size - 1 - i : i);
            Py_INCREF(item);
            PyObject *found = bound_of(item, last);
            Py_DECREF(item);
            if (!found || found != Py_None) return found;
            Py_DECREF(found);
        }
        return Py_NewRef(Py_None);
    }
    int node = PyObject_IsInstance(child, cover_node_types);
    if (node < 0) return NULL;
    if (!node) return PyObject_CallOneArg(last ? cover_end_of : cover_start_of, child);
    PyObject *span = PyObject_GetAttr(child, span_name);
    if (!span || span == Py_None) return span;
    PyObject *at = PyObject_GetAttr(span, last ? end_name : start_name);
    Py_DECREF(span);
    return at;
}

/* The source file of the parse under way (`_STATE.get().source`), as a new reference. */
static PyObject *current_source(void) {
    PyObject *state;
    if (PyContextVar_Get(cover_state_var, NULL, &state) < 0) return NULL;
    if (!state) {
        PyErr_SetString(PyExc_LookupError, "no parse under way");
        return NULL;
    }
    PyObject *source = PyObject_GetAttr(state, source_name);
    Py_DECREF(state);
    return source;
}

/* cover(children) -> Span(source, start, end) or None, as `build._Builder._cover`. */
static PyObject *accel_cover(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 1 || !PyList_Check(args[0]) || !cover_span_maker) {
        PyErr_SetString(PyExc_TypeError, "cover(children: list) after cover_setup");
        return NULL;
    }
    PyObject *children = args[0], *start = NULL, *end = NULL;
    Py_ssize_t size = PyList_GET_SIZE(children);
    for (Py_ssize_t i = 0; i < size && !start; i++) {
        PyObject *child = PyList_GET_ITEM(children, i);
        Py_INCREF(child);
        PyObject *found = bound_of(child, 0);
        Py_DECREF(child);
        if (!found) return NULL;
        if (found == Py_None) Py_DECREF(found);
        else start = found;
    }
    if (!start) Py_RETURN_NONE;
    for (Py_ssize_t i = size - 1; i >= 0 && !end; i--) {
        PyObject *child = PyList_GET_ITEM(children, i);
        Py_INCREF(child);
        PyObject *found = bound_of(child, 1);
        Py_DECREF(child);
        if (!found) { Py_DECREF(start); return NULL; }
        if (found == Py_None) Py_DECREF(found);
        else end = found;
    }
    if (!end) end = Py_NewRef(start);
    PyObject *source = current_source();
    if (!source) { Py_DECREF(start); Py_DECREF(end); return NULL; }
    PyObject *span = new_span(source, start, end);
    Py_DECREF(source);
    return span;
}

/* token_span(token) -> Span(source, token.start_pos, token.end_pos) (build._Builder._token_span). */
static PyObject *accel_token_span(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 1 || !cover_span_maker) {
        PyErr_SetString(PyExc_TypeError, "token_span(token) after cover_setup");
        return NULL;
    }
    PyObject *start, *end;
    if (Py_TYPE(args[0]) == cover_token_type) {
        start = *(PyObject **)((char *)args[0] + token_start_offset);
        end = *(PyObject **)((char *)args[0] + token_end_offset);
        if (!start || !end) {
            PyErr_SetString(PyExc_AttributeError, "a token without its offsets");
            return NULL;
        }
        Py_INCREF(start);
        Py_INCREF(end);
    } else { /* a subclass or another object: its offsets may live elsewhere */
        if (!(start = PyObject_GetAttr(args[0], start_pos_name))) return NULL;
        if (!(end = PyObject_GetAttr(args[0], end_pos_name))) { Py_DECREF(start); return NULL; }
    }
    PyObject *source = current_source();
    if (!source) { Py_DECREF(start); Py_DECREF(end); return NULL; }
    PyObject *span = new_span(source, start, end);
    Py_DECREF(source);
    return span;
}

static PyMethodDef accel_methods[] = {
    {"scan", accel_scan, METH_VARARGS, "The tokenizer's scan (lexer.py), or None at an error."},
    {"parse", accel_parse, METH_VARARGS, "The LALR driver's loop (lalr_run.py)."},
    {"cover_setup", accel_cover_setup, METH_VARARGS, "The types and fallbacks `cover` works with."},
    {"cover", (PyCFunction)(void (*)(void))accel_cover, METH_FASTCALL, "A built node's span (build._Builder._cover)."},
    {"token_span", (PyCFunction)(void (*)(void))accel_token_span, METH_FASTCALL, "A token's span (build._Builder._token_span)."},
    {"record_maker", accel_record_maker, METH_VARARGS, "A maker of one frozen attrs class (build_makers.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef accel_module = {
    PyModuleDef_HEAD_INIT, "_accel", "The front end's optional C accelerator.", -1, accel_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__accel(void) {
    static const int continuation[] = {TK_COMMA, TK_EQ, TK_NE, TK_LE, TK_GE, TK_LT, TK_GT, TK_ANDAND, TK_OROR,
                                       TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_ASSIGN, TK_AND, TK_OR, TK_NOT,
                                       TK_BANG, TK_DOT, TK_IN, TK_COMMA_DO, TK_DO_COLON, TK_WHEN};
    static const int postfix[] = {TK_NAME, TK_RPAR, TK_RSQB, TK_RBRACE, TK_CONST, TK_STR_END, TK_STRING};
    static const int starters[] = {TK_NL, TK_DO, TK_ELSE, TK_AFTER, TK_ARROW, TK_DO_COLON, TK_COMMA_DO};
    for (size_t i = 0; i < sizeof continuation / sizeof *continuation; i++) FLAGS[continuation[i]] |= F_CONTINUATION;
    for (size_t i = 0; i < sizeof postfix / sizeof *postfix; i++) FLAGS[postfix[i]] |= F_POSTFIX;
    for (size_t i = 0; i < sizeof starters / sizeof *starters; i++) FLAGS[starters[i]] |= F_STARTER;
    for (int t = 0; t < TK_COUNT; t++) {
        TYPE_STRINGS[t] = PyUnicode_InternFromString(TYPE_NAMES[t]);
        if (!TYPE_STRINGS[t]) return NULL;
    }
    for (int k = 0; k < KEYWORD_COUNT; k++) {
        SYMBOL_STRINGS[k] = PyUnicode_InternFromString(KEYWORD_WORDS[k]);
        if (!SYMBOL_STRINGS[k]) return NULL;
    }
    for (int i = 0; i < OPERATOR_COUNT; i++) {
        SYMBOL_STRINGS[OPERATORS[i].type] = PyUnicode_InternFromString(OPERATORS[i].symbol);
        if (!SYMBOL_STRINGS[OPERATORS[i].type]) return NULL;
    }
    static const struct { int type; const char *text; } fixed[] = {
        {TK_NL, "\n"}, {TK_CALL_LPAR, "("}, {TK_INDEX_LSQB, "["}, {TK_STR_START, "\""}, {TK_STR_END, "\""}, {TK_INTERP_START, "#{"}, {TK_INTERP_END, "}"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        SYMBOL_STRINGS[fixed[i].type] = PyUnicode_InternFromString(fixed[i].text);
        if (!SYMBOL_STRINGS[fixed[i].type]) return NULL;
    }
    if (PyType_Ready(&MakerType) < 0) return NULL;
    PyObject *module = PyModule_Create(&accel_module);
    if (!module) return NULL;
    PyObject *names = PyTuple_New(TK_COUNT);
    if (!names) { Py_DECREF(module); return NULL; }
    for (int t = 0; t < TK_COUNT; t++) PyTuple_SET_ITEM(names, t, Py_NewRef(TYPE_STRINGS[t]));
    if (PyModule_AddObject(module, "TOKEN_TYPES", names) < 0) { Py_DECREF(names); Py_DECREF(module); return NULL; }
#ifndef ACCEL_SOURCE_SHA256
#define ACCEL_SOURCE_SHA256 ""
#endif
    /* The SHA-256 of this file when it was compiled (hatch_build.py): accel.py uses no stale module. */
    if (PyModule_AddStringConstant(module, "SOURCE_SHA256", ACCEL_SOURCE_SHA256) < 0) { Py_DECREF(module); return NULL; }
    return module;
}
