"""Propose candidate statements and estimates from an article's text, for a curator to review.

Candidates are suggestions, written to ``data/candidates/<source_id>.csv``,
never straight into the curated tables. Each carries a verbatim quote (at
most 30 words), the date phrase it contains resolved against the article's
date with its basis, and, where it repeats a record already in the dataset,
that record's id, so that accepting it adds a citation instead of a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

import pandas as pd

from dprk_report.data.columns import MAX_QUOTE_WORDS
from dprk_report.data.tables import write_rows
from dprk_report.text.metrics import METRIC_WORDS
from dprk_report.text.numbers import NUMBER_WORDS, figures_in
from dprk_report.text.phrases import DATELINE, resolve
from dprk_report.text.quotes import spreadsheet_safe

REPORTING = re.compile(
    r"\b(said|says|told|tells|stated|confirmed|announced|denied|condemned|praised|thanked|hailed|warned|"
    r"accused|acknowledged|claimed|reported|revealed|disclosed|emphasized|stressed|noted|added|concluded|"
    r"responded|commented|signed|signing|pledged|vowed|urged|criticized|estimated|estimates?|assessed|"
    r"believes?|put the number|summoned|dismissed|declined|predicts?|predicted|agreed|released|congratulated|"
    r"visited|paid a visit|unveiled|reports|documented|posted|inaugurated?|denounced|welcomed|condemns?|"
    r"hails?|says?|quoted as saying|"
    r"letter|message|phone call|called|briefing|briefed|ceremony|statement|speech|address|interview|"
    r"press conference|news conference|talks)\b",
    re.IGNORECASE,
)
OFFICIAL = re.compile(
    r"\b(president|minister|ministry|spokes(man|woman|person)|secretary|agency|intelligence|NIS|Pentagon|"
    r"Kremlin|KCNA|state media|lawmaker|MP|Rep\.|government|military|chief|general|leader|White House|"
    r"Joint Chiefs|Defen[cs]e|Seoul|Moscow|Pyongyang|Kyiv|Washington|Kim|Putin|Zelensk\w*|Gerasimov|"
    r"ambassador|envoy|officials?|Lavrov|Shoigu|Choe|Peskov|Zakharova|NATO|UN|United Nations|Security Service|"
    r"SBU|Kremlin|commission|committee|army|forces|head of)\b",
    re.IGNORECASE,
)
NOT_PEOPLE = re.compile(
    r"\b(containers?|shells?|rounds?|missiles?|rockets?|percent|%|square miles|km|miles|"
    r"years?|days?|hours?|weeks?|months?)\b",
    re.IGNORECASE,
)
VAGUE = re.compile(r"\b(several hundred|several thousand|thousands|hundreds|many)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[A-Z“\"])|\n\s*\n")


@dataclass
class Candidate:
    """One proposed row; the curator fills or corrects the blanks and writes 'yes' under accept."""

    candidate_id: str
    source_id: str
    accept: str
    kind: str
    links_to: str
    quote: str
    date_as_written: str
    resolved_date: str
    date_precision: str
    date_basis: str
    date_note: str
    metric: str = ""
    low: str = ""
    best: str = ""
    high: str = ""
    qualifier: str = ""
    scope: str = ""
    estimator: str = ""
    estimator_side: str = ""
    disclosure_channel: str = ""
    speaker: str = ""
    speaker_role: str = ""
    side: str = ""
    channel: str = ""
    act: str = ""
    summary: str = ""
    addressee: str = ""
    disclosed_by: str = ""
    location: str = ""
    period_note: str = ""
    state_media: str = ""
    state_media_report_date: str = ""


FIELDS = [f.name for f in fields(Candidate)]


def _paragraphs(body: str) -> list[str]:
    """Lines joined where a sentence was wrapped (no closing punctuation, next line not a new start)."""
    paragraphs: list[str] = []
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            paragraphs.append("")
            continue
        previous = paragraphs[-1] if paragraphs else ""
        wrapped = (
            previous
            and not re.search(r"[.!?:\"”]$", previous)
            and (re.match(r"[a-z“\"(]", line) or len(previous.split("\n")[-1]) >= 60)
        )
        if wrapped:
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    return [p for p in paragraphs if p]


def sentences(body: str) -> list[str]:
    """The text's sentences, each on one line."""
    return [
        " ".join(part.split())
        for paragraph in _paragraphs(body)
        for part in _SENTENCE.split(paragraph)
        if part and part.strip()
    ]


def quote_around(sentence: str, anchor: int | None = None) -> str:
    """At most ``MAX_QUOTE_WORDS`` consecutive words of the sentence, centred on character ``anchor``."""
    words = sentence.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return sentence
    position = len(sentence[:anchor].split()) if anchor is not None else 0
    start = max(0, min(position - MAX_QUOTE_WORDS // 2, len(words) - MAX_QUOTE_WORDS))
    return " ".join(words[start : start + MAX_QUOTE_WORDS])


#: How far (in characters) after and before a figure its metric words may stand.
REACH_AFTER, REACH_BEFORE = 70, 50
CASUALTY_METRICS = ("killed", "wounded", "casualties", "captured", "repatriated")


def _metric(sentence: str, start: int, end: int) -> str:
    """The metric of a figure: the nearest casualty word if one is in reach, else troops planned or deployed."""
    nearest: dict[str, tuple[int, int]] = {}
    for metric, pattern in METRIC_WORDS:
        for match in re.finditer(pattern, sentence, re.IGNORECASE):
            if end <= match.start() <= end + REACH_AFTER:
                distance = match.start() - end
            elif start - REACH_BEFORE <= match.end() <= start:
                distance = start - match.end() + 10  # words before a figure describe it less often
            else:
                continue
            # At one distance the longer words win: "killed or wounded" names casualties, not the killed.
            found = (distance, -len(match.group(0)))
            nearest[metric] = min(found, nearest.get(metric, found))
    for group in (CASUALTY_METRICS, ("troops_planned", "troops_deployed")):
        found = {metric: distance for metric, distance in nearest.items() if metric in group}
        if found:
            return min(found, key=lambda metric: (found[metric], group.index(metric)))
    return ""


def _scope(sentence: str, end: int) -> str:
    """'additional' when the figure is an increment ('2,000 more', 'another 1,500'), else 'total'."""
    around = sentence[max(0, end - 30) : end + 12].lower()
    return (
        "additional"
        if re.search(r"\b(?:another|additional|more troops|more soldiers)\b|\d more\b", around)
        else "total"
    )


def _date_fields(sentence: str, article_date: date) -> tuple[str, str, str, str, str]:
    """The date phrase of a sentence resolved against the article's date; nothing for a period's start
    ('since September', 'from March') or a bare year ('last year'), which date what the act is about."""
    sentence = DATELINE.sub("", sentence, count=1)  # the story's day, not the act's
    found = resolve(sentence, article_date)
    if found is None or found.precision == "year" or re.match(r"'(since|from)\b", found.note, re.IGNORECASE):
        return "", "", "", "", ""
    phrase = found.note.split("'")[1] if "'" in found.note else ""
    written = re.search(re.escape(phrase), sentence, re.IGNORECASE) if phrase else None
    return (written.group(0) if written else phrase), found.text, found.precision, found.basis, found.note


def propose(body: str, source_id: str, article_date: date, existing: Existing) -> list[Candidate]:
    """Statement and estimate candidates for one article's text."""
    candidates: list[Candidate] = []
    acts = _Acts()
    for sentence in sentences(body):
        dates = _date_fields(sentence, article_date)

        def new(kind: str, link: str, anchor: int, sentence=sentence, dates=dates, **figure) -> Candidate:
            return Candidate("", source_id, "", kind, link, quote_around(sentence, anchor), *dates, **figure)

        figures = _figures(sentence, existing, new) + _vague_figures(sentence, existing, new)
        candidates += figures
        verb = _reporting_verb(sentence)
        reports = verb is not None and _reports_an_act(sentence)
        # A sentence that gives a figure is cited for the figure; it is a statement too only when it dates the act.
        if reports and (dates[1] or not figures) and acts.is_new(sentence, verb, dates[1]):
            candidates.append(new("statement", existing.statement_for(sentence, dates[1]), verb.start()))
        acts.next_sentence(reports)
    candidates = _without_repeats(candidates)
    for number, candidate in enumerate(candidates, 1):
        candidate.candidate_id = f"{source_id}-{number:02d}"
    return candidates


def _reporting_verb(sentence: str) -> re.Match | None:
    """The first reporting word outside quotation marks: within them it is the speaker's own word
    ('"... the South Koreans say one thing ..."'), not an act the article reports."""
    return next((verb for verb in REPORTING.finditer(sentence) if not _quoted(sentence, verb.start())), None)


def _quoted(sentence: str, position: int) -> bool:
    """Whether ``position`` stands between an opening quotation mark and the mark that closes it."""
    before, after = sentence[:position], sentence[position:]
    curly = before.count("“") > before.count("”") and "”" in after
    straight = before.count('"') % 2 == 1 and '"' in after
    return curly or straight


#: Marks of a photo caption: who stands where ('(left)', '(r.)') or a copyright line.
CAPTION = re.compile(r"\((left|right|centre|center|l|r|c)\.?\)|©", re.IGNORECASE)


def _reports_an_act(sentence: str) -> bool:
    """A sentence about an official that reports what was said or done (not a headline, caption or tail)."""
    return bool(
        OFFICIAL.search(sentence)
        and _says_something(sentence)
        and not _continues_a_statement(sentence)
        and not CAPTION.search(sentence)
    )


#: Capitalised words that name no one in particular: sentence openers, nationalities, titles, days.
GENERIC_WORDS = re.compile(
    r"(The|A|An|On|In|At|As|After|Before|Earlier|Later|Last|Meanwhile|But|And|However|According|Speaking|"
    r"Asked|During|While|Also|This|That|North|South|Korean|Korea|Russian|Russia|Ukrainian|Ukraine|"
    r"American|British|Western|West|US|U\.S\.|UK|United|States|Kingdom|President|Prime|Minister|Foreign|"
    r"Defen[cs]e|Secretary|General|Chief|Deputy|Ministry|National|Security|Council|State|Military|Senior|"
    r"Spokes\w+|Press|Director|Office|Commander|Supreme|Leader|Details|(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)"
)
#: 'The Ukrainian leader', 'the spy agency': a title without a name, standing for the one just named.
_BARE_TITLE = re.compile(
    r"the\s+([\w-]+\s+){0,3}(leader|dictator|minister|president|official|spokes\w+|envoy|ambassador|chief|"
    r"agency|commission|service|head of state|diplomat|lawmaker)(\s+(also|further|then|later))?",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"\b(he|she|it|they)(\s+(also|further|then|later))?\s*$", re.IGNORECASE)


def _speaker(sentence: str, verb: re.Match) -> frozenset[str] | None:
    """The names in the words that say who speaks (before the verb, after any quotation), or ``None``
    when the speaker is a pronoun or a bare title ('He added that ...', 'The minister said ...'),
    which stands for the one just named."""
    before = sentence[: verb.start()]
    if _PRONOUN_SUBJECT.search(before):
        return None
    quotation_end = max(before.rfind(mark) for mark in (',"', ",”", '."', ".”", '?"', "?”", '!"', "!”"))
    clause = before[quotation_end + 2 if quotation_end >= 0 else 0 :].strip()
    words = clause.split()[-12:]
    cleaned = (re.sub(r"^\W+|\W+$", "", word) for word in words if not re.search(r"['’]s\W*$", word))
    names = frozenset(
        name for name in cleaned if name[:1].isupper() and len(name) > 1 and not GENERIC_WORDS.fullmatch(name)
    )
    return None if not names and _BARE_TITLE.fullmatch(clause) else names


class _Acts:
    """The speakers an article's statement candidates already name: a further sentence by the same
    speaker, without a date of its own, most often reports the same act (a curator cites it once)."""

    def __init__(self) -> None:
        self.dates_by_name: dict[str, set[str]] = {}
        self.previous_reports = False

    def is_new(self, sentence: str, verb: re.Match, resolved_date: str) -> bool:
        speaker = _speaker(sentence, verb)
        if speaker is None:  # 'He added that ...' right after a statement goes on with that statement
            return not self.previous_reports or bool(resolved_date)
        known = [self.dates_by_name[name] for name in speaker if name in self.dates_by_name]
        new = not known or bool(resolved_date) and all(resolved_date not in dates for dates in known)
        for name in speaker:
            self.dates_by_name.setdefault(name, set()).add(resolved_date)
        return new

    def next_sentence(self, reports: bool) -> None:
        self.previous_reports = reports


def _figures(sentence: str, existing: Existing, new) -> list[Candidate]:
    found = []
    for number, qualifier, start, end in _figures_with_spans(sentence):
        metric = _metric(sentence, start, end)
        if (
            not metric
            or NOT_PEOPLE.search(sentence[end : end + 25])
            or _in_a_date(sentence, start, end)
            or _in_an_address(sentence, start)
            or _not_a_count(sentence, start, end)
            or _of_another_army(sentence, end)
        ):
            continue
        scope = _scope(sentence, end)
        found.append(
            new(
                "estimate",
                existing.estimate_for(metric, number, scope, sentence),
                start,
                metric=metric,
                best=str(number),
                qualifier=qualifier,
                scope=scope,
            )
        )
    return found


def _vague_figures(sentence: str, existing: Existing, new) -> list[Candidate]:
    found = []
    for match in VAGUE.finditer(sentence):
        metric, qualifier = _metric(sentence, match.start(), match.end()), match.group(1).lower()
        if metric:
            found.append(
                new(
                    "estimate",
                    existing.vague_estimate_for(metric, qualifier, sentence),
                    match.start(),
                    metric=metric,
                    qualifier=qualifier,
                )
            )
    return found


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"


def _in_a_date(sentence: str, start: int, end: int) -> bool:
    """A number next to a month name ('Jan. 11', '26 December') or in a time ('15:48') is not a figure."""
    before, after = sentence[:start].lower(), sentence[end:].lower()
    return bool(
        re.search(rf"\b{_MONTH}\s*$", before)
        or re.match(rf"\s*{_MONTH}(\W|$)", after)
        or re.match(r":\d\d", after)
        or re.search(r"\d:$", before)
    )


def _not_a_count(sentence: str, start: int, end: int) -> bool:
    """A unit's number ('Group No. 84', 'the 11th'), a fraction ('two-thirds'), 'one of the', or a number
    word after 'the' ('the two countries', 'the two men'), which points back at people already counted."""
    before, after = sentence[:start].lower(), sentence[end:].lower()
    return bool(
        re.search(r"\b(no\.|number|group|brigade|regiment|division|unit|published:?)\s*$", before)
        or re.match(r"-?(thirds?|halves|quarters?|fifths?)\b|(st|nd|rd|th)\b|\s+of\s+the\b", after)
        or (re.search(r"\bthe\s+$", before) and sentence[start:end].isalpha())
    )


def _of_another_army(sentence: str, end: int) -> bool:
    """A figure of Russian or Ukrainian soldiers ('600,000 Russian soldiers') is not the North's."""
    following = sentence[end : end + 40].lower()
    return bool(re.match(r"\s+(more\s+)?(russian|ukrainian|american|u\.s\.)\b", following))


#: Fewer words than this cannot hold a speaker, an act and what was said ("KCNA news agency said.").
MIN_STATEMENT_WORDS = 8


def _says_something(sentence: str) -> bool:
    """Not an attribution tail, a headline or page furniture: a sentence that can report an act.

    A headline capitalises its words (all but the short ones); a cut-off sentence that names many
    people and places still writes 'said that' in lower case.
    """
    words = sentence.split()
    if len(words) < MIN_STATEMENT_WORDS or sentence.rstrip().endswith(":"):
        return False
    long_words = [word for word in words if len(re.sub(r"\W", "", word)) >= 4]
    capitalised = sum(word[:1].isupper() for word in words)
    headline = (
        not re.search(r"[.!?\"”']$", sentence.strip())
        and capitalised >= 0.6 * len(words)
        and sum(word[:1].isupper() for word in long_words) >= 0.9 * len(long_words)
    )
    return not headline


def _continues_a_statement(sentence: str) -> bool:
    """A quotation that goes on with the speaker of the one before ('"...," it said.', 'He said in a post.')."""
    return bool(
        re.search(
            r"[,.!?][\"”’']?\s+(he|she|it|they)\s+(said|says|continued|stressed|noted)\.?$", sentence, re.IGNORECASE
        )
        or re.fullmatch(r"(he|she|it|they) said\b.{0,40}", sentence, re.IGNORECASE)
    )


def _in_an_address(sentence: str, start: int) -> bool:
    """A number inside a web address is not a figure."""
    token = sentence[:start].split()[-1:] or [""]
    return "/" in token[0] or "://" in sentence[max(0, start - 80) : start]


def _without_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per figure (or per quote for statements): headlines often repeat the lead.

    Of two candidates for the same figure, the one whose sentence gives a date is kept.
    """
    kept: dict[tuple, Candidate] = {}
    for candidate in candidates:
        if candidate.kind == "estimate":
            key = (candidate.kind, candidate.metric, candidate.best, candidate.qualifier)
        else:
            key = (candidate.kind, candidate.quote)
        if key not in kept or (candidate.resolved_date and not kept[key].resolved_date):
            kept[key] = candidate
    return list(kept.values())


def _figures_with_spans(sentence: str):
    for value, qualifier in figures_in(sentence):
        for match in re.finditer(r"(?<![\w.])" + _figure_pattern(value), sentence, re.IGNORECASE):
            yield value, qualifier, match.start(), match.end()
            break


def _figure_pattern(value: int) -> str:
    """The ways a figure is written: digits with or without separators, or words ('two', 'three-thousand').

    A comma right after the figure is punctuation ('12,000, according to'), not the start of more digits.
    """
    grouped = f"{value:,}"
    options = [re.escape(v) for v in dict.fromkeys((grouped, grouped.replace(",", " "), str(value)))]
    words = {number: word for word, number in NUMBER_WORDS.items()}
    if value in words:
        options.append(words[value])
    elif value % 1000 == 0 and value // 1000 in words:
        options.append(words[value // 1000] + r"[- ]thousand")
    return "(?:" + "|".join(options) + r")(?!\w|,\d)"


class Existing:
    """The curated records a new article may repeat."""

    def __init__(self, statements: pd.DataFrame, estimates: pd.DataFrame):
        self.statements = statements
        self.estimates = estimates

    def estimate_for(self, metric: str, number: int, scope: str, sentence: str) -> str:
        """The latest estimate with this metric, figure and scope whose estimator the sentence names."""
        figures = self.estimates
        same = figures[
            (figures["metric"] == metric)
            & (figures["scope"] == scope)
            & ((figures["best"] == str(number)) | (figures["high"] == str(number)))
        ]
        return self._named_in(same, sentence)

    def vague_estimate_for(self, metric: str, qualifier: str, sentence: str) -> str:
        figures = self.estimates
        same = figures[
            (figures["metric"] == metric)
            & (figures["qualifier"] == qualifier)
            & figures["best"].isna()
            & figures["low"].isna()
        ]
        return self._named_in(same, sentence)

    @staticmethod
    def _named_in(estimates: pd.DataFrame, sentence: str) -> str:
        """The last of ``estimates`` whose estimator has a name word (capitalised, 4+ letters) in the sentence."""
        for row in estimates.iloc[::-1].itertuples():
            names = re.findall(r"\b[A-Z][a-z]{3,}\b", row.estimator or "")
            if any(re.search(rf"\b{name}\b", sentence) for name in names):
                return row.estimate_id
        return ""

    def statement_for(self, sentence: str, resolved_date: str) -> str:
        """A statement by a speaker named in the sentence on the same date (or month)."""
        if not resolved_date:
            return ""
        lower = sentence.lower()
        if len(resolved_date) < 7:
            return ""  # a year is too coarse to say two mentions are one act
        for row in self.statements.itertuples():
            speaker = row.speaker if isinstance(row.speaker, str) else ""
            last = speaker.split()[-1] if speaker else ""
            surname = last.lower() if last[:1].isupper() else ""
            dated = isinstance(row.event_date, str) and (
                row.event_date.startswith(resolved_date) or resolved_date.startswith(row.event_date)
            )
            if surname and len(surname) > 3 and surname in lower and dated:
                return row.statement_id
        return ""


def write(candidates: list[Candidate], path: Path) -> None:
    """Write the candidates file; text a spreadsheet would run as a formula gets a leading apostrophe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{key: spreadsheet_safe(value) for key, value in asdict(candidate).items()} for candidate in candidates]
    write_rows(path, FIELDS, rows)
