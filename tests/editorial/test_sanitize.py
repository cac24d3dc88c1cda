"""The body sanitiser: known XSS payloads come out harmless, legitimate
formatting and embeds survive."""

import re
from html.parser import HTMLParser

from django.test import SimpleTestCase

from articles.sanitize import embed_for, sanitize_body

# Script tags, event handlers, SVG/MathML, javascript:/data:/vbscript: URLs,
# encoded variants, broken markup, CSS and form tricks.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>/*</script><script>*/alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    '<img src="javascript:alert(1)">',
    "<img src=`javascript:alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    "<img src=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="x" onclick="alert(1)">x</a>',
    '<a href="x" onmouseover=alert(1)>x</a>',
    '<p onmouseover="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<select onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<p title="</p><script>alert(1)</script>">x</p>',
    '"><script>alert(1)</script>',
    "<<script>alert(1);//<</script>",
    "<img src=x onerror\x00=alert(1)>",
    "<scri\x00pt>alert(1)</scri\x00pt>",
    '<a href="https://ok.example" target="_blank">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<figure class="embed" data-embed-url="javascript:alert(1)" data-embed-provider="youtube"><a href="javascript:alert(1)">x</a></figure>',
    '<figure class="embed" data-embed-url="https://evil.example/watch?v=aaaaaaaaaaa" data-embed-provider="youtube"></figure>',
    '<figure class="embed" data-embed-url="https://www.youtube.com/watch?v=aaaaaaaaaaa&quot; onmouseover=&quot;alert(1)" data-embed-provider="youtube"></figure>',
    '<figure data-embed-provider="<script>alert(1)</script>">x</figure>',
    '<p>https://www.youtube.com/watch?v=aaaaaaaaaaa"onmouseover="alert(1)</p>',
    '<iframe src="https://www.youtube.com/embed/x" onload="alert(1)"></iframe>',
    '<img src="x" alt="x" onerror="alert(1)" />',
    '<a href="//evil.example/%0Aalert(1)">x</a>',
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
    '<img src="x:gif" onerror="window[`al`+`ert`](1)">',
]

ALLOWED_URL = re.compile(r"^(https?:|mailto:|/|#|[a-z0-9._-]+(/|$))", re.IGNORECASE)
ALLOWED_ATTRIBUTES = {
    "href", "src", "alt", "title", "width", "height", "class", "start", "cite",
    "data-embed-url", "data-embed-provider",
}  # fmt: skip
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "object", "embed", "form", "input", "button",
    "textarea", "select", "svg", "math", "meta", "link", "base", "body", "video",
    "audio", "source", "details", "marquee", "table", "template", "noscript", "xss",
}  # fmt: skip


class _Inspector(HTMLParser):
    """Every tag and attribute of the sanitised HTML, as a browser parses it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def inspect(html):
    parser = _Inspector()
    parser.feed(html)
    return parser


class XssCorpusTests(SimpleTestCase):
    def test_corpus_is_big_enough(self):
        self.assertGreaterEqual(len(XSS_PAYLOADS), 50)

    def test_every_payload_comes_out_harmless(self):
        """No forbidden tag, no event handler, no style, no script URL survives,
        and sanitising again changes nothing."""
        for payload in XSS_PAYLOADS:
            with self.subTest(payload=payload):
                clean = sanitize_body(payload)
                found = inspect(clean)
                self.assertFalse(FORBIDDEN_TAGS & set(found.tags), clean)
                for _tag, name, value in found.attributes:
                    self.assertIn(name, ALLOWED_ATTRIBUTES, clean)
                    self.assertFalse(name.startswith("on"), clean)
                    if name in ("href", "src", "data-embed-url", "cite"):
                        compact = re.sub(r"[\s\x00-\x1f]", "", value)
                        self.assertRegex(compact, ALLOWED_URL, clean)
                    if name == "data-embed-url":
                        self.assertIsNotNone(embed_for(value), clean)
                self.assertNotRegex(clean.lower(), r"javascript:|vbscript:|data:")
                self.assertEqual(sanitize_body(clean), clean)


class LegitimateFormattingTests(SimpleTestCase):
    def test_formatting_survives(self):
        html = (
            "<h2>Intertitre</h2><h3>Sous-intertitre</h3>"
            "<p><strong>gras</strong> <em>italique</em> "
            '<a href="https://example.org/page?a=1&amp;b=2" title="Source">lien</a> '
            '<a href="/article/autre/">interne</a> '
            '<a href="mailto:redaction@example.org">écrire</a></p>'
            "<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>"
            "<blockquote><p>Une citation.</p></blockquote>"
            '<figure class="image"><img src="/media/renditions/ab/x.jpg" alt="Un port">'
            "<figcaption>Le port</figcaption></figure>"
        )
        self.assertEqual(sanitize_body(html), html)

    def test_seed_inline_related_paragraph_survives(self):
        html = (
            '<p class="inline-related">A lire également : '
            '<a href="/article/en-visite-a-kiev/">En visite à Kiev</a></p>'
        )
        self.assertEqual(sanitize_body(html), html)

    def test_unknown_classes_are_dropped(self):
        self.assertEqual(
            sanitize_body('<p class="inline-related evil">x</p>'),
            '<p class="inline-related">x</p>',
        )


class EmbedTests(SimpleTestCase):
    YOUTUBE = (
        '<figure class="embed" data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
        'data-embed-provider="youtube"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>"
    )

    def test_marker_round_trips_exactly(self):
        self.assertEqual(sanitize_body(self.YOUTUBE), self.YOUTUBE)

    def test_url_alone_on_its_line_becomes_a_marker(self):
        for source in [
            "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>",
            "<p>https://youtu.be/dQw4w9WgXcQ</p>",
            '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></p>",
            '<iframe width="560" src="https://www.youtube.com/embed/dQw4w9WgXcQ"'
            " allowfullscreen></iframe>",
        ]:
            with self.subTest(source=source):
                self.assertEqual(sanitize_body(source), self.YOUTUBE)

    def test_editor_media_button_output(self):
        """TinyMCE's media dialog wraps its iframe in a paragraph."""
        source = (
            '<p>Avant</p><p><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" '
            'width="560" height="314" allowfullscreen="allowfullscreen"></iframe></p>'
        )
        self.assertEqual(sanitize_body(source), "<p>Avant</p>" + self.YOUTUBE)

    def test_providers(self):
        cases = {
            "https://vimeo.com/76979871": ("vimeo", "https://vimeo.com/76979871"),
            "https://player.vimeo.com/video/76979871": (
                "vimeo",
                "https://vimeo.com/76979871",
            ),
            "https://x.com/jack/status/20": ("twitter", "https://x.com/jack/status/20"),
            "https://twitter.com/jack/status/20?s=1": (
                "twitter",
                "https://twitter.com/jack/status/20",
            ),
            "https://www.instagram.com/p/CxYz123abc/": (
                "instagram",
                "https://www.instagram.com/p/CxYz123abc/",
            ),
            "https://example.com/video/1": None,
            "https://www.youtube.com/watch?v=short": None,
            "ftp://vimeo.com/1": None,
        }
        for url, expected in cases.items():
            with self.subTest(url=url):
                self.assertEqual(embed_for(url), expected)

    def test_unknown_provider_link_stays_a_link(self):
        html = '<p><a href="https://example.com/v/1">https://example.com/v/1</a></p>'
        self.assertEqual(sanitize_body(html), html)

    def test_link_with_other_text_is_not_an_embed(self):
        html = (
            '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">la vidéo</a></p>'
        )
        self.assertEqual(sanitize_body(html), html)
