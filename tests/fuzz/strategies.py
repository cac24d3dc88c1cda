"""What a hostile or broken client sends: shared hypothesis strategies."""

from urllib.parse import quote

from hypothesis import strategies as st

# Any text a client can type, surrogates excepted (they cannot be encoded).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
CONTROL = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=20)
HUGE = st.integers(min_value=300, max_value=20_000).map(lambda n: "x" * n)
# Bytes that are not UTF-8, percent-encoded as a client can send them.
INVALID_UTF8 = st.sampled_from(
    ["%ff", "%c3%28", "%e2%82", "%80", "%fe%fe", "%ed%a0%80"]
)

JUNK = st.one_of(
    TEXT,
    CONTROL,
    HUGE,
    INVALID_UTF8,
    st.integers().map(str),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "%00",
            "..",
            "../../etc/passwd",
            "%2e%2e%2f",
            "<script>",
            "é",
            "\u202e",
            "a" * 51,
            "-1",
            "999999999999999999999999",
            "NaN",
            "1e9",
            "0x10",
            "%",
            "%%",
            "%zz",
            "?",
            "#",
            "//",
        ]
    ),
)


def as_path_segment(value: str) -> str:
    """A junk value as it travels in a URL: percent-encoded unless it already
    is (then it stays raw, to reach the server undecoded)."""
    if value.startswith("%") and len(value) > 1:
        return value
    return quote(value, safe="")


SEGMENT = JUNK.map(as_path_segment)
PAGE = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["abc", "999999", "-1", "0", "last", "1.5", "", "\x00"]),
    # Digits to str.isdigit() that int() refuses, and too many digits for int().
    st.sampled_from(["¹", "²³", "٣", "①"]),
    st.integers(min_value=4300, max_value=6000).map(lambda n: "9" * n),
    JUNK,
)
