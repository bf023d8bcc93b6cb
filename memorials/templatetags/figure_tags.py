"""The sources of an event's figures as numbered notes: the table cites each source by its
number ([1], [2], …), the list below the table gives each once, in the order first cited."""

from django import template

register = template.Library()


@register.simple_tag
def numbered_sources(figure_groups) -> list:
    """The sources of ``figure_groups`` (memorials.selectors.figure_groups), each once, in the
    order the table first cites them; each figure learns its source's number
    (``figure.source_number``): ``{% numbered_sources figure_groups as sources %}``."""
    numbers: dict[int, int] = {}
    sources = []
    for _measure, figures in figure_groups:
        for figure in figures:
            if figure.source_id not in numbers:
                sources.append(figure.source)
                numbers[figure.source_id] = len(sources)
            figure.source_number = numbers[figure.source_id]
    return sources
