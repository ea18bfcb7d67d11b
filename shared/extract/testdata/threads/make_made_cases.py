#!/usr/bin/env python3
# Regenerates the made-… cases of this folder from the real captures in ../shared/fixtures (see README.md).
# Run from anywhere: python3 shared/extract/testdata/<source>/make_made_cases.py; then
# go test ./shared/extract -run TestPlatformGoldens -update, and review the diff.
import os
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "fixtures"))

import json, os, html
U={"pk":"63000000001","id":None,"username":"made.unspool","full_name":"Unspool (made)","profile_pic_url":"https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/made_avatar_150x150.jpg?stp=dst-jpg_s150x150","is_verified":False,"__typename":"XDTUserDict"}
O={"pk":"63000000002","id":None,"username":"someone.else","profile_pic_url":"https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/other_avatar.jpg","is_verified":True,"__typename":"XDTUserDict"}
def frag(t,plain,**kw):
    f={"fragment_type":t,"plaintext":plain,"link_fragment":None,"mention_fragment":None,"tag_fragment":None}
    f.update(kw); return f
def img(key,w=1440,h=1080):
    return {"candidates":[{"url":f"https://scontent-lhr8-1.cdninstagram.com/v/t51.29350-15/{key}_n.jpg?stp=dst-jpg_e35_p1440x1440","width":w,"height":h,"__typename":"XDTImageCandidate"},{"url":f"https://scontent-lhr8-1.cdninstagram.com/v/t51.29350-15/{key}_n.jpg?stp=dst-jpg_e35_s640x640","width":640,"height":480,"__typename":"XDTImageCandidate"}]}
def post(n,user,code,taken,text,frags=None,media_type=19,image=None,videos=None,carousel=None,link=None,quoted=None,reply_to=None,w=0,h=0,alt=None,replies=0):
    return {"pk":f"36{n:017d}","id":f"36{n:017d}_{user['pk']}","code":code,"user":user,"taken_at":taken,
      "caption":{"text":text,"pk":f"17{n:017d}"} if text is not None else None,"media_type":media_type,
      "image_versions2":image or {"candidates":[]},"original_width":w,"original_height":h,"video_versions":videos or [],
      "carousel_media":carousel,"accessibility_caption":alt,"has_audio":bool(videos),"like_count":3,
      "text_post_app_info":{"is_post_unavailable":False,"is_reply":reply_to is not None,"reply_to_author":({"username":reply_to["username"],"id":None} if reply_to else None),
        "direct_reply_count":replies,"link_preview_attachment":link,"share_info":{"quoted_post":quoted,"reposted_post":None,"can_quote_post":True},
        "text_fragments":{"fragments":frags or [frag("plaintext",text or "")]}},"__typename":"XDTMediaDict"}
t0=1748772000  # 2025-06-01T10:00:00Z
p1=post(1,U,"DMadeAAA001",t0,"Why I unroll threads: a thread 🧵 with credit to @someone.else and notes at unspool.example/why",
  frags=[frag("plaintext","Why I unroll threads: a thread 🧵 with credit to "),frag("mention","@someone.else",mention_fragment={"mentioned_user":{"username":"someone.else","id":None}}),frag("plaintext"," and notes at "),frag("link","unspool.example/why",link_fragment={"uri":"https://l.threads.com/?u=https%3A%2F%2Funspool.example%2Fwhy%3Fref%3Dthreads&e=AT0made","display_text":"unspool.example/why"})],replies=1)
car=[{"image_versions2":img("made_car1"),"original_width":1440,"original_height":1080,"video_versions":None,"accessibility_caption":"A whiteboard with arrows","media_type":1},
     {"image_versions2":img("made_car2",1080,1350),"original_width":1080,"original_height":1350,"video_versions":None,"accessibility_caption":None,"media_type":1},
     {"image_versions2":img("made_car3_poster",720,1280),"original_width":720,"original_height":1280,"video_versions":[{"type":101,"url":"https://scontent-lhr8-1.cdninstagram.com/o1/v/t16/f2/m69/made_car3.mp4?efg=made"},{"type":102,"url":"https://scontent-lhr8-1.cdninstagram.com/o1/v/t16/f2/m69/made_car3_low.mp4"}],"accessibility_caption":None,"media_type":2}]
p2=post(2,U,"DMadeAAA002",t0+60,"Two photos and a clip of the setup.",media_type=8,carousel=car,reply_to=U,replies=1)
q=post(90,O,"DOtherQQ090",t0-86400,"Threads are hard to read on small screens.",replies=0)
p3=post(3,U,"DMadeAAA003",t0+120,"Quoting a post that started it all. More at the link #unrolling",
  frags=[frag("plaintext","Quoting a post that started it all. More at the link "),frag("tag","#unrolling",tag_fragment={"tag_name":"unrolling","tag_type":None})],
  link={"url":"https://l.threads.com/?u=https%3A%2F%2Fexample.com%2Farticle&e=AT0made","display_url":"example.com","title":"An article about reading threads","image_url":"https://external-lhr8-1.xx.fbcdn.net/emg1/v/t13/made_card.jpg"},
  quoted=q,reply_to=U,replies=3)
other_reply=post(91,O,"DOtherRR091",t0+300,"Nice thread!",reply_to=U,replies=1)
own_answer=post(92,U,"DMadeAAA092",t0+400,"Thanks! (an answer to someone else: not the thread)",reply_to=O)
p4=post(4,U,"DMadeAAA004",t0+180,"Fourth: a single photo.",media_type=1,image=img("made_single"),w=1440,h=1080,alt="A printed thread on paper",reply_to=U,replies=1)
p5=post(5,U,"DMadeAAA005",t0+240,"The end. Hostile text stays text: <script>alert(1)</script>",reply_to=U)
late=post(93,U,"DMadeAAA093",t0+3600,"A later own reply on its own branch: not the continuation",reply_to=U)
def item(p,line="line",cta=False): return {"post":p,"line_type":line,"view_replies_cta_string":None,"should_show_replies_cta":cta,"reply_facepile_users":[],"can_inline_expand_below":False,"__typename":"XDTThreadItem"}
edges=[{"node":{"thread_items":[item(p1),item(p2),item(p3,"none")],"thread_type":"thread","header":None,"id":"made-containing","__typename":"XDTThread"},"cursor":None,"__typename":"XDTPostRepliesEdge"},
       {"node":{"thread_items":[item(other_reply),item(own_answer,"none")],"thread_type":"thread","id":"made-r1"},"cursor":"c1"},
       {"node":{"thread_items":[item(late,"none")],"thread_type":"thread","id":"made-r3"},"cursor":"c3"},
       {"node":{"thread_items":[item(p4),item(p5,"none")],"thread_type":"thread","id":"made-r2"},"cursor":"c2"}]
data={"require":[["ScheduledServerJS","handle",None,[{"__bbox":{"require":[["RelayPrefetchedStreamCache","next",[],["adp_BarcelonaPostPageDirectQueryRelayPreloader_68a0made00001",{"__bbox":{"complete":True,"result":{"data":{"data":{"edges":edges,"page_info":{"has_next_page":False,"end_cursor":None}}},"extensions":{"is_final":True}},"sequence_number":0}}]]]}}]]]}
decoy={"require":[["ScheduledServerJS","handle",None,[{"__bbox":{"define":[["BarcelonaConfig",[],{"made":True},1]]}}]]]}
def esc(s): return html.escape(s, quote=True)
def dom_post(p, quoted_html=""):
    u=p["user"]["username"]
    t=__import__('datetime').datetime.utcfromtimestamp(p["taken_at"]).strftime('%Y-%m-%dT%H:%M:%S.000Z')
    cap=""
    for f in p["text_post_app_info"]["text_fragments"]["fragments"]:
        if f["fragment_type"]=="mention": cap+=f'<a href="/@{f["mention_fragment"]["mentioned_user"]["username"]}" role="link">{esc(f["plaintext"])}</a>'
        elif f["fragment_type"]=="link": cap+=f'<a href="{esc(f["link_fragment"]["uri"])}" rel="nofollow noopener" target="_blank">{esc(f["plaintext"])}</a>'
        elif f["fragment_type"]=="tag": cap+=f'<a href="/search?q={f["tag_fragment"]["tag_name"]}&amp;serp_type=tags">{esc(f["plaintext"])}</a>'
        else: cap+=esc(f["plaintext"])
    media=""
    items=p["carousel_media"] or ([p] if (p["image_versions2"]["candidates"] and p["media_type"]!=19) else [])
    for m in items:
        if m.get("video_versions"):
            media+=f'<div class="x1made"><video playsinline="" preload="none" src="blob:https://www.threads.com/made-blob" poster="{esc(m["image_versions2"]["candidates"][0]["url"])}"></video></div>'
        else:
            media+=f'<picture class="x1made"><img alt="{esc(m.get("accessibility_caption") or "Photo by "+u)}" class="x1made" src="{esc(m["image_versions2"]["candidates"][0]["url"])}" referrerpolicy="origin-when-cross-origin"></picture>'
    return f'''<div class="x78zum5 xdt5ytf" data-pressable-container="true"><div class="x1made">
<div class="x6s0dn4"><a href="/@{u}" role="link" tabindex="0"><img alt="{u}'s profile picture" class="xl1xv1r" src="{esc(p["user"]["profile_pic_url"])}" height="36" width="36"></a></div>
<div class="xqcrz7y"><span class="x1lliihq"><a href="/@{u}" role="link"><span class="x1lliihq" dir="auto"><span>{u}</span></span></a></span>
<span class="x1made"><a href="/@{u}/post/{p["code"]}" role="link"><time class="x1rg5ohu" datetime="{t}" title="made">1y</time></a></span></div>
<div class="x1a6qonq"><span class="x1lliihq x1plvlek" dir="auto"><span>{cap}</span></span></div>
{media}{quoted_html}
<div class="x4vbgl9"><div role="button" tabindex="0"><svg aria-label="Like" role="img"><title>Like</title></svg><span class="x17qophe"><span>3</span></span></div>
<div role="button" tabindex="0"><svg aria-label="Reply" role="img"><title>Reply</title></svg></div></div>
</div></div>'''
body="\n".join([dom_post(p1),dom_post(p2),dom_post(p3,dom_post(q)),dom_post(p4),dom_post(p5),dom_post(other_reply),dom_post(own_answer),dom_post(late)])
def page(with_json):
    scripts=""
    if with_json:
        payload=json.dumps(data, ensure_ascii=False).replace("</","<\\/")
        scripts=(f'<script type="application/json" data-content-len="{len(json.dumps(decoy))}" data-sjs>{json.dumps(decoy)}</script>\n'
                 f'<script type="application/json" data-content-len="{len(payload)}" data-sjs>{payload}</script>\n')
    note=("Made by us (Unspool): no real Threads capture exists in the fixtures. Modelled on how open-source "
      "parsers read Threads post pages (yt-dlp's ThreadsIE; Go and TypeScript Threads clients' types): <script "
      "type=application/json data-sjs> blocks, RelayPrefetchedStreamCache, result.data.data.edges[].node.thread_items[]"
      ".post with code, user{pk,username,profile_pic_url,is_verified}, caption.text, taken_at, image_versions2."
      "candidates (largest first), video_versions, carousel_media, text_post_app_info{link_preview_attachment, "
      "share_info.quoted_post, text_fragments}. The DOM mirrors the rendered page's structure only: generated class "
      "names, [data-pressable-container] post blocks, /@user and /@user/post/<code> links, <time datetime>, "
      "span[dir=auto] captions. Text, names and ids are invented.")
    return f'''<!-- {note} -->
<!DOCTYPE html>
<html lang="en" class="_9dls">
<head>
<meta charset="utf-8">
<title>Unspool (made) (@made.unspool) on Threads</title>
<meta property="og:title" content="Unspool (made) (&#064;made.unspool) on Threads">
<meta property="og:url" content="https://www.threads.com/@made.unspool/post/DMadeAAA003">
<meta property="og:site_name" content="Threads">
<link rel="canonical" href="https://www.threads.com/@made.unspool/post/DMadeAAA003">
</head>
<body class="x1made">
<div id="barcelona-page-layout"><div role="main">
{body}
</div></div>
{scripts}</body>
</html>
'''
D=HERE+'/'
for name,wj in [("made-selfthread-5-json",True),("made-selfthread-5-dom-only",False)]:
    os.makedirs(D+name,exist_ok=True)
    open(D+name+'/source.html','w').write(page(wj))
    open(D+name+'/url.txt','w').write("https://www.threads.com/@made.unspool/post/DMadeAAA003\n")
