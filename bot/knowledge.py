"""The knowledge base as plain data: entries, translations, local overlays.

This module only models and validates values; reading and writing YAML is
``bot.kbfiles``, storing is ``bot.storage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

TOPICS = (
    "registration",
    "contracts",
    "housing",
    "insurance",
    "health",
    "tax",
    "benefits",
    "integration",
    "help",
)
STATUSES = ("reviewed", "draft", "machine")
COUNTRY_CODES = ("NL", "BE")


@dataclass(frozen=True, slots=True)
class Translation:
    question: str
    alternates: tuple[str, ...] = ()
    answer: str | None = None  # None: phrasings only, the bot answers in a fallback language
    status: str = "draft"

    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


@dataclass(frozen=True, slots=True)
class VariantText:
    """A per-country override of one language's text."""

    answer: str | None = None
    question: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    topic: str
    countries: tuple[str, ...]
    escalate: bool
    related: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: date | None
    translations: dict[str, Translation]
    variants: dict[str, dict[str, VariantText]] = field(default_factory=dict)

    def answer_for(self, lang: str, country: str | None) -> str | None:
        """The answer in ``lang`` for ``country``, or None when that language has none."""
        if country and country in self.variants:
            override = self.variants[country].get(lang)
            if override and override.answer:
                return override.answer
        tr = self.translations.get(lang)
        return tr.answer if tr else None

    def question_for(self, lang: str, country: str | None = None) -> str | None:
        if country and country in self.variants:
            override = self.variants[country].get(lang)
            if override and override.question:
                return override.question
        tr = self.translations.get(lang)
        return tr.question if tr else None

    def with_translation(self, lang: str, tr: Translation) -> Entry:
        return replace(self, translations={**self.translations, lang: tr})


@dataclass(frozen=True, slots=True)
class Overlay:
    """Municipality facts appended to named entries."""

    municipality: str
    name: str
    country: str
    sources: tuple[str, ...]
    reviewed: date | None
    entries: dict[str, dict[str, str]]  # entry id -> lang -> text

    def text_for(self, entry_id: str, lang: str, fallback: str = "en") -> str | None:
        texts = self.entries.get(entry_id)
        if not texts:
            return None
        return texts.get(lang) or texts.get(fallback)


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, Entry]
    overlays: dict[str, Overlay] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def by_topic(self, topic: str) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.topic == topic), key=lambda e: e.id)


# The ids the service must always have (see the project's content contract).
REQUIRED_IDS: tuple[str, ...] = (
    "registration.brp",
    "registration.rni",
    "registration.bsn",
    "registration.digid",
    "registration.address-change",
    "registration.deregister",
    "registration.id-obligation",
    "registration.be-commune",
    "registration.be-national-number",
    "registration.bank-account",
    "contracts.written-contract",
    "contracts.minimum-wage",
    "contracts.payslip",
    "contracts.holiday-pay",
    "contracts.sick-pay",
    "contracts.zero-hours",
    "contracts.temp-agency",
    "contracts.dismissal",
    "contracts.unpaid-wages",
    "contracts.exploitation",
    "contracts.working-hours",
    "contracts.work-accident",
    "housing.employer-housing",
    "housing.rent-deduction",
    "housing.job-loss-housing",
    "housing.finding-rental",
    "housing.deposit",
    "housing.rent-benefit",
    "housing.bad-conditions",
    "housing.homeless",
    "insurance.health-mandatory",
    "insurance.health-employer",
    "insurance.own-risk",
    "insurance.healthcare-allowance",
    "insurance.ehic",
    "insurance.liability",
    "insurance.be-mutuality",
    "insurance.leaving-country",
    "health.gp",
    "health.emergency",
    "tax.return",
    "tax.payroll-tax-credit",
    "benefits.child-benefit",
    "benefits.unemployment",
    "benefits.allowance-repayment",
    "integration.language-lessons",
    "integration.school",
    "integration.meet-people",
    "help.bridge-worker",
    "help.legal-aid",
    "help.domestic-violence",
    "help.debt",
    "help.return-home",
    "help.discrimination",
)

# Entries most asked: these carry answers in the tier-2 languages too.
TIER2_ANSWER_IDS: tuple[str, ...] = (
    "registration.bsn",
    "registration.brp",
    "registration.rni",
    "insurance.health-mandatory",
    "insurance.health-employer",
    "contracts.written-contract",
    "contracts.minimum-wage",
    "contracts.sick-pay",
    "contracts.unpaid-wages",
    "contracts.exploitation",
    "housing.employer-housing",
    "housing.rent-deduction",
    "housing.homeless",
    "health.emergency",
    "help.bridge-worker",
)
