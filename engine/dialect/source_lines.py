"""Where each element is written: the line of its XML, kept on its spec so that a step that
fails at run time can point the process owner at the element in the file."""

from __future__ import annotations


def keep_source_lines(process_node, task_specs) -> None:
    """Set ``source_line`` on every spec whose element is inside ``process_node``."""
    lines = {
        node.get("id"): node.sourceline
        for node in process_node.iter()
        if node.get("id") is not None
    }
    for task_spec in task_specs:
        line = lines.get(getattr(task_spec, "bpmn_id", None))
        if line is not None:
            task_spec.source_line = line


def source_line(task_spec) -> int | None:
    """The line ``task_spec``'s element starts on, when known."""
    return getattr(task_spec, "source_line", None)
