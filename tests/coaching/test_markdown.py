import pytest

from coaching.markdown import render_markdown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<div onmouseover="alert(1)">hover</div>',
        "<iframe src='https://evil.example'></iframe>",
        '<svg onload="alert(1)">',
    ],
)
def test_hostile_markdown_is_neutralised(hostile):
    html = render_markdown(hostile)
    assert "<script" not in html
    assert "onerror" not in html and "onload" not in html and "onmouseover" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html


def test_ordinary_markdown_renders():
    html = render_markdown("**bold** and [a link](https://example.com)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html
