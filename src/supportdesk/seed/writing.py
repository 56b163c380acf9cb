"""What seeded tickets and messages say: pools of varied subjects and HTML bodies.

Bodies are drawn from pools built once per run, so a million tickets cost a
few thousand string renderings, not a million. The plain text of each body
is what ``supportdesk.text.html_to_text`` gives for its HTML.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from supportdesk.seed import vocabulary as words


@dataclass(frozen=True)
class Body:
    """A message body in both stored forms."""

    html: str
    text: str


@dataclass(frozen=True)
class TicketText:
    """A ticket's subject and description."""

    subject: str
    description: Body


def _fill(template: str, rng: random.Random) -> str:
    product = rng.choice(words.PRODUCTS)
    title = product.removeprefix("the ").removeprefix("my ").removeprefix("our ")
    return template.format(
        product=product,
        product_title=title[:1].upper() + title[1:],
        order=rng.randint(10_000, 99_999),
        invoice=f"INV-{rng.randint(2024, 2026)}-{rng.randint(1, 9999):04d}",
        count=rng.choice((2, 3, 5, 10, 12, 25, 40)),
        code=f"0x{rng.randint(0, 0xFFFF):04X}",
    )


def body_from_paragraphs(paragraphs: list[str]) -> Body:
    """HTML paragraphs and the matching plain text, one line per paragraph."""
    markup = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return Body(html=markup, text="\n".join(paragraphs))


def ticket_texts(rng: random.Random, count: int) -> list[TicketText]:
    """``count`` subjects with descriptions of two to four paragraphs."""
    texts: list[TicketText] = []
    for _ in range(count):
        subject = _fill(rng.choice(words.SUBJECTS), rng)
        lines = [_fill(line, rng) for line in rng.sample(words.PROBLEM_LINES, rng.randint(1, 3))]
        signature = f"{rng.choice(words.CLOSINGS)} {rng.choice(words.FIRST_NAMES)}"
        paragraphs = [rng.choice(words.OPENINGS), *lines, signature]
        texts.append(TicketText(subject=subject, description=body_from_paragraphs(paragraphs)))
    return texts


def message_bodies(rng: random.Random, lines: tuple[str, ...], count: int) -> list[Body]:
    """``count`` message bodies of one or two of ``lines``."""
    bodies: list[Body] = []
    for _ in range(count):
        chosen = rng.sample(lines, rng.randint(1, min(2, len(lines))))
        bodies.append(body_from_paragraphs([_fill(line, rng) for line in chosen]))
    return bodies
