"""Words under the cursor: CC-CEDICT entries, pinyin (tone marks, numbers, zhuyin), longest match."""
