"""Write a feed benchmark's latest figures into bench/README.md, under "Calendar feeds".

Only the text between this benchmark's own markers changes; the rest of the file
(other engineers' sections) is left as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
HEADING = "## Calendar feeds"


def update_readme(name: str, text: str) -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text}\n{end}"
    content = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if start in content and end in content:
        content = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, content, flags=re.S)
    elif HEADING in content:
        at = content.index(HEADING) + len(HEADING)
        at = content.index("\n", at) + 1 if "\n" in content[at:] else len(content)
        content = content[:at] + "\n" + block + "\n" + content[at:]
    else:
        content = content.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    README.write_text(content, encoding="utf-8")
