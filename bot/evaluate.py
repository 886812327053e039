"""Measuring the engine on a labelled question set (``brug eval``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Action, Decision

ESCALATE, OUT_OF_SCOPE = "ESCALATE", "OUT_OF_SCOPE"


@dataclass
class Tally:
    n: int = 0
    hits: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.hits += int(ok)

    @property
    def rate(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def __str__(self) -> str:
        return f"{100 * self.rate:5.1f}% ({self.hits}/{self.n})" if self.n else "   –"


@dataclass
class Report:
    top1: Tally = field(default_factory=Tally)
    top3: Tally = field(default_factory=Tally)
    escalation_recall: Tally = field(default_factory=Tally)
    out_of_scope: Tally = field(default_factory=Tally)
    false_escalations: Tally = field(default_factory=Tally)
    language: Tally = field(default_factory=Tally)
    actions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    per_lang: dict[str, dict[str, Tally]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, Tally]:
        return {
            "in-scope top-1": self.top1,
            "in-scope top-3": self.top3,
            "escalation recall": self.escalation_recall,
            "out-of-scope handled": self.out_of_scope,
            "false escalations": self.false_escalations,
            "language identification": self.language,
        }


def evaluate(
    rows: Iterable[dict[str, Any]], decide: Callable[[dict[str, Any]], Decision]
) -> Report:
    rep = Report()
    for row in rows:
        d = decide(row)
        label = row.get("label")
        lang = row.get("lang")
        rep.actions[d.action.value] += 1
        langs = rep.per_lang.setdefault(
            lang or "?", {"top1": Tally(), "lang": Tally(), "handled": Tally()}
        )
        if lang:
            rep.language.add(d.lang == lang)
            langs["lang"].add(d.lang == lang)
        if label == ESCALATE:
            ok = d.action == Action.ESCALATE
            rep.escalation_recall.add(ok)
            langs["handled"].add(ok)
        else:
            rep.false_escalations.add(d.action == Action.ESCALATE)
        if label == OUT_OF_SCOPE:
            ok = d.action in (Action.FALLBACK, Action.ESCALATE)
            rep.out_of_scope.add(ok)
            langs["handled"].add(ok)
        if label not in (ESCALATE, OUT_OF_SCOPE):
            top = [c.entry for c in d.candidates[:3]]
            ok = d.entry == label and d.action != Action.FALLBACK
            rep.top1.add(ok)
            rep.top3.add(label in top)
            langs["top1"].add(ok)
        else:
            ok = (
                (d.action == Action.ESCALATE)
                if label == ESCALATE
                else d.action in (Action.FALLBACK, Action.ESCALATE)
            )
        if (
            not ok
            or (lang and d.lang != lang)
            or (label != ESCALATE and d.action == Action.ESCALATE)
        ):
            rep.misses.append(
                {
                    "id": row.get("id"),
                    "label": label,
                    "lang": lang,
                    "got_lang": d.lang,
                    "action": d.action.value,
                    "entry": d.entry,
                    "top": [(c.entry, round(c.score, 2)) for c in d.candidates[:3]],
                    "text": row.get("text", "")[:90],
                }
            )
    return rep
