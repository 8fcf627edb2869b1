"""What 讲座论坛备案 plugs into core: the 备案与三审 role grants (with 信息发布三审,
luoshi.publications) and its part of the demo."""

from luoshi.core import registry
from luoshi.core.defaults import EDIT, VIEW
from luoshi.events.todos import filing_todos

EVENT_PUBLICATION_GRANTS = registry.module_grants(
    "备案与三审",
    {
        # unit_admin holds every grant it hands out; who reviews is decided by role in the flow
        "unit_admin": {
            "events.eventfiling": [*EDIT, "review"],
            "events.reviewchain": EDIT,
            "events.eventrule": EDIT,
            "publications.publication": [*EDIT, "review", "final_review"],
            "publications.reviewconfig": EDIT,
        },
        "leader": {
            "events.eventfiling": ["view", "review"],
            "events.reviewchain": VIEW,
            "events.eventrule": VIEW,
            "publications.publication": ["view", "review", "final_review"],
            "publications.reviewconfig": VIEW,
        },
        "clerk": {
            "events.eventfiling": EDIT,
            "publications.publication": EDIT,
        },
        "reviewer": {
            "events.eventfiling": ["view", "review"],
            "events.reviewchain": VIEW,
            "events.eventrule": VIEW,
            "publications.publication": ["view", "review"],
            "publications.reviewconfig": VIEW,
        },
        "inspector": {"events.eventfiling": VIEW, "publications.publication": VIEW},
    },
)

registry.demo_builder(50, "luoshi.events.demo.ensure_events")

registry.todo_source(filing_todos)
