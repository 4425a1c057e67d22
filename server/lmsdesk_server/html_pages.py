"""The few pages a browser sees (checkout, its return pages, confirming an email address):
plain HTML from the server, styled alike, no scripts."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

_STYLE = """
body { font-family: system-ui, 'DejaVu Sans', sans-serif; background: #f4f5f7; color: #1f2933;
       margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
main { background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08);
       padding: 32px 40px; width: 420px; max-width: calc(100vw - 32px); box-sizing: border-box; }
h1 { font-size: 22px; margin: 0 0 8px; }
.badge { display: inline-block; font-size: 12px; background: #fff4ce; color: #7a5b00;
         border-radius: 4px; padding: 2px 8px; margin-bottom: 16px; }
.price { font-size: 32px; font-weight: 600; margin: 16px 0 24px; }
p { line-height: 1.5; }
form { display: inline; }
button { font-size: 16px; border-radius: 6px; padding: 10px 22px; cursor: pointer; border: 0; }
button.pay { background: #2563eb; color: #fff; margin-right: 12px; }
button.cancel { background: #e5e7eb; color: #1f2933; }
.state { font-weight: 600; border-radius: 6px; padding: 8px 12px; }
.valid { background: #e6f4ea; color: #1e7d32; }
.revoked, .invalid, .unknown { background: #fce8e6; color: #b3261e; }
main.wide { width: 760px; margin: 24px 0; align-self: flex-start; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.subtitle, .muted { color: #5f6368; }
.muted { font-size: 14px; }
a.button { display: inline-block; font-size: 16px; border-radius: 6px; padding: 10px 22px;
           text-decoration: none; background: #e5e7eb; color: #1f2933; margin: 0 12px 8px 0; }
a.button.pay { background: #2563eb; color: #fff; }
.curriculum li { margin: 4px 0; }
blockquote { margin: 12px 0; padding: 8px 14px; border-left: 3px solid #dde1e8; }
"""


def page(title: str, body: str, status_code: int = 200, *, wide: bool = False) -> HTMLResponse:
    """A page: `wide` for content to read (a course), else a small card (a checkout step)."""
    main = "<main class='wide'>" if wide else "<main>"
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}"
        f" - LMSDesk</title><style>{_STYLE}</style></head><body>{main}{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status_code)
