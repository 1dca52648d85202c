"""Which text encoding a file is in, told honestly from its first 64 KiB.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 little- or big-endian with a
byte-order mark (Excel's "Unicode text" export), and GB18030 (which includes GBK and GB2312) when
the text it decodes to is plausibly Chinese. GB18030 assigns a character to almost any sequence
of bytes, so decoding without an error proves little: a Shift-JIS file decodes into hanzi too.
What tells them apart is which characters come out (measured on generated samples, see
docs/collection-files.md):

- Chinese text in GBK decodes mostly into GB2312's repertoire (97-100 % of its hanzi; the rest
  are rarer hanzi of names), Shift-JIS into the rarer hanzi GBK added (GB2312 share 0.4-2 %);
- kana, private-use characters and characters outside GBK do not occur in Chinese records, but
  do when EUC-JP (kana), Big5 (private use) or other encodings are read as GB18030.

Anything else is refused with ``file_encoding_invalid``; content with NUL bytes (binary, or
UTF-16 without a byte-order mark) is refused before any decoding.
"""

from __future__ import annotations

import codecs
from collections import Counter

from chengxin.core import error_codes
from chengxin.core.tabular.refusals import refusal

SAMPLE_BYTES = 64 * 1024
UTF8 = "utf-8-sig"
UTF16 = "utf-16"
GB18030 = "gb18030"
# At most this share of the non-ASCII characters may be implausible in Chinese text.
IMPLAUSIBLE_SHARE = 0.01
# With at least this many hanzi, at least half of them must be in GB2312 (with fewer, one).
MIN_HANZI_FOR_SHARE = 10
COMMON_HANZI_SHARE = 0.5
# Share of NUL bytes in the odd or even positions that marks UTF-16 text without a byte-order
# mark (every ASCII character has one).
UTF16_NUL_SHARE = 0.3

_COMMON, _RARE, _NEUTRAL, _IMPLAUSIBLE = "common", "rare", "neutral", "implausible"
# CJK unified ideographs (extension A, the base block, extensions B to G) and compatibility
# ideographs: GB18030 encodes them all, a few occur in names.
_HANZI_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# Kana (hiragana, katakana, half-width katakana) and the private use area.
_IMPLAUSIBLE_RANGES = ((0x3040, 0x30FF), (0xFF61, 0xFF9F), (0xE000, 0xF8FF))


def detect_encoding(sample: bytes, *, is_whole: bool) -> tuple[str, str]:
    """The codec that reads the file and the sample decoded with it; raises ``TabularRefused``.

    ``is_whole``: the sample is the whole file (a multi-byte character cut at the sample's end
    is otherwise not an error).
    """
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise refusal(error_codes.FILE_ENCODING_INVALID)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16, _utf16_text(sample, is_whole=is_whole)
    if b"\x00" in sample:
        if _utf16_without_bom(sample):
            raise refusal(error_codes.FILE_ENCODING_INVALID)
        raise refusal(error_codes.FILE_TYPE_UNSUPPORTED)
    text = _decoded(sample, UTF8, is_whole=is_whole)
    if text is not None:
        return UTF8, text
    if sample.startswith(codecs.BOM_UTF8):
        raise refusal(error_codes.FILE_ENCODING_INVALID)
    text = _decoded(sample, GB18030, is_whole=is_whole)
    if text is not None and plausibly_chinese(text):
        return GB18030, text
    raise refusal(error_codes.FILE_ENCODING_INVALID)


def plausibly_chinese(text: str) -> bool:
    """Whether ``text`` (decoded as GB18030) reads as Chinese and ASCII (module docstring)."""
    kinds: Counter[str] = Counter()
    for char, count in Counter(text).items():
        if char >= "\x80":
            kinds[_kind(char)] += count
    non_ascii = sum(kinds.values())
    if kinds[_IMPLAUSIBLE] > IMPLAUSIBLE_SHARE * non_ascii:
        return False
    hanzi = kinds[_COMMON] + kinds[_RARE]
    if hanzi < MIN_HANZI_FOR_SHARE:
        # Too few to weigh: Chinese text has at least one common character among them.
        return hanzi == 0 or kinds[_COMMON] > 0
    return kinds[_COMMON] >= COMMON_HANZI_SHARE * hanzi


def _kind(char: str) -> str:
    code = ord(char)
    if any(low <= code <= high for low, high in _IMPLAUSIBLE_RANGES):
        return _IMPLAUSIBLE
    if _encodes(char, "gb2312"):
        return _COMMON
    if any(low <= code <= high for low, high in _HANZI_RANGES):
        return _RARE
    if _encodes(char, "gbk"):
        return _NEUTRAL  # punctuation and symbols GBK added (– “ ” €)
    return _IMPLAUSIBLE


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _decoded(sample: bytes, encoding: str, *, is_whole: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=is_whole)
    except UnicodeDecodeError:
        return None


def _utf16_text(sample: bytes, *, is_whole: bool) -> str:
    text = _decoded(sample, UTF16, is_whole=is_whole)
    if text is None:
        raise refusal(error_codes.FILE_ENCODING_INVALID)
    if "\x00" in text:
        raise refusal(error_codes.FILE_TYPE_UNSUPPORTED)
    return text


def _utf16_without_bom(sample: bytes) -> bool:
    """NUL bytes in one of the two byte positions and (almost) never in the other."""
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= UTF16_NUL_SHARE * half and min(even, odd) <= 0.01 * half
