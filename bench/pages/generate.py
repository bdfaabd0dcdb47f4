#!/usr/bin/env python3
"""Generates the benchmark page set, deterministically, into this folder (or the folder given):

- marketing.html: a ~60 KB marketing page with GTM, gtag.js, the Meta Pixel, Hotjar, JSON-LD,
  a YouTube iframe and lots of markup;
- small.html: a ~2 KB page with one tracker;
- listing.html: a ~1 MB product listing.
"""
import os
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
rng = random.Random(20261124)
WORDS = ("coffee roast bean origin brew filter espresso crema aroma acidity body finish harvest "
         "altitude washed natural honey process cup grind fresh batch single blend farm").split()


def words(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


HEAD_TRACKERS = """<link rel="preconnect" href="https://www.googletagmanager.com">
<link rel="dns-prefetch" href="https://connect.facebook.net">
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-BENCH1');</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH1"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-BENCH1');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init', '000000000000001');fbq('track', 'PageView');</script>
<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:1000001,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization","name":"Northwind Coffee Roasters","url":"https://northwind.example","logo":"https://northwind.example/logo.svg"}</script>
<link rel="stylesheet" href="/css/site.css">
<script src="/js/app.js" defer></script>"""

BODY_START = """<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-BENCH1" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=000000000000001&ev=PageView&noscript=1"/></noscript>"""


def page(title, head, body):
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f'<title>{title}</title>\n{head}\n</head>\n<body>\n{body}\n</body></html>\n')


def nav():
    items = "".join(f'<li><a href="/{w}.html" class="nav-link">{w.title()}</a></li>' for w in WORDS[:8])
    return f'<header class="site-header"><a class="brand" href="/">Northwind</a><nav><ul class="nav">{items}</ul></nav></header>'


def card(i):
    return (f'<article class="card product" data-id="{i}"><a href="/product/{i}.html">'
            f'<img src="/img/bean-{i % 12}.svg" alt="{words(3)}" width="240" height="180" loading="lazy"></a>'
            f'<div class="card-body"><h3 class="card-title">{words(3).title()}</h3>'
            f'<p class="card-text">{words(24)}</p><p class="price"><span class="amount">&euro;{10 + i % 30}.{i % 100:02d}</span>'
            f' <button type="button" class="btn btn-primary add-to-cart" data-sku="NW-{i:05d}">Add to cart</button></p></div></article>')


def marketing():
    parts = [nav(), BODY_START, f'<section class="hero"><h1>{words(5).title()}</h1><p class="lead">{words(40)}</p></section>']
    parts.append('<section class="products"><div class="grid">' + "".join(card(i) for i in range(60)) + '</div></section>')
    parts.append('<section class="video"><h2>Watch how we roast</h2><iframe width="560" height="315" '
                 'src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="How we roast" frameborder="0" '
                 'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe></section>')
    faq = "".join(f'<details class="faq"><summary>{words(6)}?</summary><p>{words(50)}</p></details>' for _ in range(12))
    parts.append(f'<section class="faq-list"><h2>Questions</h2>{faq}</section>')
    parts.append(f'<footer class="site-footer"><p>{words(30)}</p><a href="#consentry-settings">Cookie settings</a></footer>')
    body = "\n".join(parts)
    html = page("Northwind Coffee Roasters", HEAD_TRACKERS, body)
    # Trim or pad with more FAQ markup to land near 60 KB.
    while len(html.encode()) < 60_000:
        body += f'\n<p class="filler">{words(40)}</p>'
        html = page("Northwind Coffee Roasters", HEAD_TRACKERS, body)
    return html


def small():
    head = ('<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH1"></script>\n'
            '<link rel="stylesheet" href="/css/site.css">')
    body = f'{nav()}<main><h1>{words(4).title()}</h1><p>{words(60)}</p></main>'
    html = page("Small", head, body)
    while len(html.encode()) < 2_000:
        body += f"<p>{words(10)}</p>"
        html = page("Small", head, body)
    return html


def listing():
    rows = []
    i = 0
    body_parts = [nav(), BODY_START, '<main><h1>All coffees</h1><div class="grid">']
    size = 0
    while size < 1_000_000:
        c = card(i)
        rows.append(c)
        size += len(c)
        i += 1
    body_parts.append("".join(rows))
    body_parts.append('</div></main>')
    return page("All coffees", HEAD_TRACKERS, "\n".join(body_parts))


for name, make in (("marketing.html", marketing), ("small.html", small), ("listing.html", listing)):
    data = make().encode()
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")
