"""What 信息发布三审 plugs into core: its part of the demo (its role grants are with
讲座论坛备案, ``luoshi.events.plugin``)."""

from luoshi.core import registry
from luoshi.publications.todos import review_todos

registry.demo_builder(60, "luoshi.publications.demo.ensure_publications")

registry.todo_source(review_todos)
