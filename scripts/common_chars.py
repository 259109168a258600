"""Write reader/text/data/common-chars.txt: the Chinese characters that make up most running text,
in both scripts, which the corpus loader uses to tell a GB18030 file from a Big5 one (either
decodes the other's bytes into rare characters, or fails).

The characters are the 3,000 most frequent in jieba's dictionary (each word's characters counted
by the word's frequency), with their Traditional forms from OpenCC. Run from the repository:
    python scripts/common_chars.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import jieba
from opencc import OpenCC

COUNT = 3000
OUT = Path(__file__).resolve().parent.parent / "reader" / "text" / "data" / "common-chars.txt"


def main() -> None:
    counts: Counter[str] = Counter()
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, frequency, *_ = line.split(" ")
        for character in word:
            if "\u4e00" <= character <= "\u9fff":
                counts[character] += int(frequency)
    simplified = [character for character, _ in counts.most_common(COUNT)]
    to_traditional = OpenCC("s2t")
    traditional = {to_traditional.convert(character) for character in simplified}
    characters = sorted(set(simplified) | traditional)
    OUT.write_text("".join(characters) + "\n", encoding="utf-8")
    print(f"{len(characters)} characters written to {OUT}")


if __name__ == "__main__":
    main()
