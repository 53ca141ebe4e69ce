"""Write a benchmark's latest figures into bench/README.md, between its own markers.

Only the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` changes; the rest
of the file is left as it is.  A benchmark without markers yet gets them under its heading.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def update_readme(name: str, text: str, heading: str = "## Calendar feeds") -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text}\n{end}"
    content = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if start in content and end in content:
        content = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, content, flags=re.S)
    elif heading in content:
        at = content.index(heading) + len(heading)
        at = content.index("\n", at) + 1 if "\n" in content[at:] else len(content)
        content = content[:at] + "\n" + block + "\n" + content[at:]
    else:
        content = content.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    README.write_text(content, encoding="utf-8")
