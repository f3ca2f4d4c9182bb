"""The shape of a builtin declaration (layer 4, with `registry`).

Input: nothing. Output: the frozen `Param` and `Builtin` records and `declare`, the compact
constructor the `decl_*` modules use. A declaration is data only: it never implements the
function (implementations bind to these entries by name in layer 6) and imports nothing above
`attrs`.
"""

from __future__ import annotations

import enum

import attrs

#: The word in `Builtin.keywords` that means "any option name is accepted".
ANY_KEYWORD = "*"

#: Categories, in the order `docs/builtins.md` and `bubble explain` list them.
CATEGORIES: tuple[str, ...] = (
    "text",
    "lists",
    "maps",
    "numbers",
    "dates",
    "matching",
    "widgets",
    "content",
    "events",
    "i18n",
)

#: Words a declaration may use for what a call gives back.
RETURN_WORDS: tuple[str, ...] = (
    "text",
    "number",
    "boolean",
    "list",
    "map",
    "date-time",
    "duration",
    "widget",
    "content",
    "intent",
    "entity",
    "event",
    "any",
)


class ParamKind(enum.Enum):
    """How a positional parameter is filled: always, maybe, or by any number of arguments."""

    POSITIONAL = "positional"
    OPTIONAL = "optional"
    VARIADIC = "variadic"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Param:
    """One positional parameter, named as an author would read it in a signature."""

    name: str
    kind: ParamKind = ParamKind.POSITIONAL


def _check_params(instance: Builtin, attribute: attrs.Attribute, value: tuple[Param, ...]) -> None:
    """Required parameters come first, then optional ones, then at most one variadic, last."""
    order = {ParamKind.POSITIONAL: 0, ParamKind.OPTIONAL: 1, ParamKind.VARIADIC: 2}
    ranks = [order[p.kind] for p in value]
    if ranks != sorted(ranks):
        raise ValueError(f"`{instance.name}`: parameters out of order")
    if ranks.count(2) > 1:
        raise ValueError(f"`{instance.name}`: more than one variadic parameter")
    if ParamKind.OPTIONAL in {p.kind for p in value} and ParamKind.VARIADIC in {p.kind for p in value}:
        raise ValueError(f"`{instance.name}`: optional and variadic parameters together")


@attrs.frozen(kw_only=True)
class Builtin:
    """The declaration of one builtin function: what a call may look like and what it means.

    `keywords` are the options a call accepts (`intent(match: …)`); `ANY_KEYWORD` among them
    accepts any name. `required_keywords` must appear in every call. `pure` builtins are
    deterministic and have no effect, so constant definitions may use them; `effectful` ones
    are random or have a side effect, so guards may not. A builtin can be neither (it reads
    the clock or the conversation's locale). `doc` is one paragraph, a blank line, then one
    or more example lines `call -> result`; `details` is an optional reference section (a
    directive or option table) shown after it.
    """

    name: str
    params: tuple[Param, ...] = attrs.field(validator=_check_params)
    keywords: tuple[str, ...] = ()
    required_keywords: tuple[str, ...] = ()
    pure: bool = True
    effectful: bool = False
    category: str = attrs.field(validator=attrs.validators.in_(CATEGORIES))
    returns: str = attrs.field(validator=attrs.validators.in_(RETURN_WORDS))
    doc: str
    details: str = ""

    def __attrs_post_init__(self) -> None:
        if self.pure and self.effectful:
            raise ValueError(f"`{self.name}` cannot be both pure and effectful")
        missing = [k for k in self.required_keywords if k not in self.keywords]
        if missing:
            raise ValueError(f"`{self.name}`: required options {missing} are not declared")
        if len(set(self.keywords)) != len(self.keywords):
            raise ValueError(f"`{self.name}`: an option is declared twice")

    @property
    def min_args(self) -> int:
        """The fewest positional arguments a call may pass."""
        return sum(1 for p in self.params if p.kind is ParamKind.POSITIONAL)

    @property
    def max_args(self) -> int | None:
        """The most positional arguments a call may pass; None when there is no limit."""
        if any(p.kind is ParamKind.VARIADIC for p in self.params):
            return None
        return len(self.params)

    @property
    def any_keyword(self) -> bool:
        """True when the call may pass options of any name."""
        return ANY_KEYWORD in self.keywords

    @property
    def summary(self) -> str:
        """The doc's paragraph, without the example lines."""
        return self.doc.split("\n\n", 1)[0].strip()

    @property
    def examples(self) -> tuple[str, ...]:
        """The doc's example lines (`call -> result`)."""
        parts = self.doc.split("\n\n", 1)
        if len(parts) < 2:
            return ()
        return tuple(line.strip() for line in parts[1].splitlines() if line.strip())


def parse_params(text: str) -> tuple[Param, ...]:
    """Read a compact parameter list: `"list, separator?"` or `"value, more..."`."""
    params: list[Param] = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        if raw.endswith("..."):
            params.append(Param(raw[:-3], ParamKind.VARIADIC))
        elif raw.endswith("?"):
            params.append(Param(raw[:-1], ParamKind.OPTIONAL))
        else:
            params.append(Param(raw))
    return tuple(params)


def declare(
    name: str,
    params: str,
    returns: str,
    doc: str,
    *examples: str,
    category: str,
    keywords: tuple[str, ...] = (),
    required_keywords: tuple[str, ...] = (),
    pure: bool = True,
    effectful: bool = False,
    details: str = "",
) -> Builtin:
    """Build a `Builtin` from a compact parameter list, a paragraph and its example lines.

    The `decl_*` modules bind `category` with `functools.partial`, so each entry reads as
    name, parameters, result, paragraph, examples.
    """
    paragraph = " ".join(doc.split())
    return Builtin(
        name=name,
        params=parse_params(params),
        keywords=keywords,
        required_keywords=required_keywords,
        pure=pure,
        effectful=effectful,
        category=category,
        returns=returns,
        doc=paragraph + "\n\n" + "\n".join(examples),
        details=details.strip("\n"),
    )
