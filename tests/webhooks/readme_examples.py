#!/usr/bin/env python3
"""Writes the README's webhook verification examples, exactly as written there, to files a test
can run: the first ```js and the first ```python block of the section "## Webhooks".

Usage: readme_examples.py README.md OUT_DIR  ->  OUT_DIR/verify.mjs and OUT_DIR/verify.py
"""
import re
import sys
from pathlib import Path


def section(readme: str, heading: str) -> str:
    start = readme.index(heading)
    end = readme.find("\n## ", start + len(heading))
    return readme[start:end if end >= 0 else len(readme)]


def first_block(text: str, language: str) -> str:
    match = re.search(r"^```" + language + r"\n(.*?)^```$", text, re.S | re.M)
    if not match:
        raise SystemExit(f"no ```{language} block in the README's webhook section")
    return match.group(1)


def main() -> None:
    readme, out = Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2])
    webhooks = section(readme, "## Webhooks")
    (out / "verify.mjs").write_text(first_block(webhooks, "js"), encoding="utf-8")
    (out / "verify.py").write_text(first_block(webhooks, "python"), encoding="utf-8")


if __name__ == "__main__":
    main()
