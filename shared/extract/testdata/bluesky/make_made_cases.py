#!/usr/bin/env python3
# Regenerates the made-… cases of this folder from the real captures in ../shared/fixtures (see README.md).
# Run from anywhere: python3 shared/extract/testdata/<source>/make_made_cases.py; then
# go test ./shared/extract -run TestPlatformGoldens -update, and review the diff.
import os
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "fixtures"))

import json, copy, os
F=FIXTURES+'/bluesky/'
imgs=json.load(open(F+'bskyr-single-images-facets.json'))['thread']['post']
rwm=json.load(open(F+'marshalx-single-recordwithmedia.json'))['thread']['post']
mid=json.load(open(F+'morpho-midthread-external-embed.json'))['thread']
ext=mid['parent']['post']
other=mid['replies'][1]['post']  # mattgraham
DID='did:plc:ic6zqvuw5ulmfpjiwnhsr2ns'
author=copy.deepcopy(imgs['author'])
def facets_for(text, specs):
    out=[]
    b=text.encode('utf-8')
    for sub,feat in specs:
        i=b.index(sub.encode('utf-8'))
        out.append({"index":{"byteStart":i,"byteEnd":i+len(sub.encode('utf-8'))},"features":[feat]})
    return out
def post(rkey, text, created, parent=None, root=None, facets=None, embed_rec=None, embed_view=None, reply_count=1, labels=None):
    rec={"$type":"app.bsky.feed.post","createdAt":created,"langs":["en"],"text":text}
    if facets: rec["facets"]=facets
    if parent: rec["reply"]={"parent":{"cid":"bafyparent"+parent,"uri":f"at://{DID}/app.bsky.feed.post/{parent}"},"root":{"cid":"bafyroot","uri":f"at://{DID}/app.bsky.feed.post/{root}"}}
    if embed_rec: rec["embed"]=embed_rec
    p={"uri":f"at://{DID}/app.bsky.feed.post/{rkey}","cid":"bafymade"+rkey,"author":author,"record":rec,"replyCount":reply_count,"repostCount":0,"likeCount":2,"quoteCount":0,"indexedAt":created,"viewer":{},"labels":labels or []}
    if embed_view: p["embed"]=embed_view
    return p
root='3madeaaaa0001'
t1="Unrolling Bluesky threads, a thread 🧵 (1/6)"
p1=post(root,t1,"2023-09-20T10:00:00.000Z")
t2="Link cards come from the external embed: mashable.com/article/blue... (2/6)"
p2=post('3madeaaaa0002',t2,"2023-09-20T10:01:00.000Z",parent=root,root=root,
  facets=facets_for(t2,[("mashable.com/article/blue...",{"$type":"app.bsky.richtext.facet#link","uri":ext['record']['embed']['external']['uri']})]),
  embed_rec=ext['record']['embed'], embed_view=ext['embed'])
t3="Facets are byte ranges: émoji 📈 before @rstatsai and #rstats must not shift them. localview.net (3/6)"
p3=post('3madeaaaa0003',t3,"2023-09-20T10:02:00.000Z",parent='3madeaaaa0002',root=root,
  facets=facets_for(t3,[("@rstatsai",{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:rstatsaiexample"}),("#rstats",{"$type":"app.bsky.richtext.facet#tag","tag":"rstats"}),("localview.net",{"$type":"app.bsky.richtext.facet#link","uri":"http://localview.net"})]),
  embed_rec=imgs['record']['embed'], embed_view=imgs['embed'], reply_count=4)
t4="Quotes with media: recordWithMedia (4/6)"
p4=post('3madeaaaa0004',t4,"2023-09-20T10:03:00.000Z",parent='3madeaaaa0003',root=root,embed_rec=rwm['record']['embed'],embed_view=rwm['embed'])
t4b="A later self-reply on its own branch: not the thread's continuation"
p4b=post('3madeaaaa0099',t4b,"2023-09-20T11:00:00.000Z",parent='3madeaaaa0003',root=root,reply_count=0)
t5="Self-labelled posts carry a warning (5/6)"
p5=post('3madeaaaa0005',t5,"2023-09-20T10:04:00.000Z",parent='3madeaaaa0004',root=root,labels=[{"src":DID,"uri":f"at://{DID}/app.bsky.feed.post/3madeaaaa0005","val":"graphic-media","cts":"2023-09-20T10:04:00.000Z"}])
t6="The end (6/6)"
p6=post('3madeaaaa0006',t6,"2023-09-20T10:05:00.000Z",parent='3madeaaaa0005',root=root,reply_count=0)
oth=copy.deepcopy(other); oth['record']['reply']={"parent":{"uri":f"at://{DID}/app.bsky.feed.post/3madeaaaa0003","cid":"x"},"root":{"uri":f"at://{DID}/app.bsky.feed.post/{root}","cid":"x"}}
def node(p, parent=None, replies=None):
    n={"$type":"app.bsky.feed.defs#threadViewPost","post":p}
    if parent is not None: n["parent"]=parent
    if replies is not None: n["replies"]=replies
    return n
tree=node(p3,
  parent=node(p2,parent=node(p1)),
  replies=[
    node(oth,replies=[]),
    {"$type":"app.bsky.feed.defs#blockedPost","uri":"at://did:plc:blockedexample/app.bsky.feed.post/3kblocked","blocked":True,"author":{"did":"did:plc:blockedexample","viewer":{"blocking":"at://x"}}},
    node(p4b,replies=[]),
    {"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://did:plc:goneexample/app.bsky.feed.post/3kgone","notFound":True},
    node(p4,replies=[node(p5,replies=[node(p6,replies=[])])]),
  ])
d=HERE+'/made-selfthread-6-midthread'
os.makedirs(d,exist_ok=True)
json.dump({"thread":tree},open(d+'/source.json','w'),ensure_ascii=False,indent=1)
open(d+'/url.txt','w').write(f"https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003\n")
# gap case: focal's parent (same DID) deleted
tree2=node(p5,parent={"$type":"app.bsky.feed.defs#notFoundPost","uri":f"at://{DID}/app.bsky.feed.post/3madeaaaa0004","notFound":True},replies=[node(p6)])
p6b=copy.deepcopy(p6); p6b['replyCount']=3
tree2=node(p5,parent={"$type":"app.bsky.feed.defs#notFoundPost","uri":f"at://{DID}/app.bsky.feed.post/3madeaaaa0004","notFound":True},replies=[node(p6b)])
d=HERE+'/made-gaps-deleted-parent-unloaded-replies'
os.makedirs(d,exist_ok=True)
json.dump({"thread":tree2},open(d+'/source.json','w'),ensure_ascii=False,indent=1)
open(d+'/url.txt','w').write(f"https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0005\n")

# The rendered bsky.app page of the same thread.
import json, html, os, datetime
src=json.load(open(HERE+'/made-selfthread-6-midthread/source.json'))
def esc(s): return html.escape(s, quote=True)
def rich(rec):
    text=rec['text']; b=text.encode('utf-8'); out=''; pos=0
    for f in sorted(rec.get('facets',[]), key=lambda f:f['index']['byteStart']):
        s,e=f['index']['byteStart'],f['index']['byteEnd']
        out+=esc(b[pos:s].decode()).replace('\n','<br>')
        seg=b[s:e].decode(); ft=f['features'][0]
        if ft['$type'].endswith('#link'): out+=f'<a href="{esc(ft["uri"])}" target="_blank" rel="noopener" role="link" class="css-1jxf684 r-1loqt21" dir="auto">{esc(seg)}</a>'
        elif ft['$type'].endswith('#mention'): out+=f'<a href="/profile/{esc(ft["did"])}" role="link" class="css-1jxf684 r-1loqt21" dir="auto">{esc(seg)}</a>'
        else: out+=f'<a href="/hashtag/{esc(ft["tag"])}" role="link" class="css-1jxf684 r-1loqt21" dir="auto">{esc(seg)}</a>'
        pos=e
    out+=esc(b[pos:].decode()).replace('\n','<br>')
    return f'<div dir="auto" data-testid="postText" class="css-146c3p1 r-1xnzce8" data-word-wrap="1">{out}</div>'
def item(p, focal):
    a=p['author']; h=a['handle']; rkey=p['uri'].split('/')[-1]
    imgs=''
    emb=p.get('embed') or {}
    media = emb if emb.get('$type')=='app.bsky.embed.images#view' else (emb.get('media') or {})
    for im in media.get('images',[]) if media.get('$type')=='app.bsky.embed.images#view' else []:
        imgs+=f'<div class="css-175oi2r"><img alt="{esc(im["alt"])}" draggable="false" src="{esc(im["thumb"])}" class="css-9pa8cd"></div>'
    ext=''
    if emb.get('$type')=='app.bsky.embed.external#view':
        x=emb['external']; ext=f'<a href="{esc(x["uri"])}" role="link" class="css-175oi2r"><div class="css-146c3p1" dir="auto">{esc(x["title"])}</div></a>'
    quote=''
    rec=emb.get('record',{}).get('record') if emb.get('$type')=='app.bsky.embed.recordWithMedia#view' else None
    if rec:
        qa=rec['author']
        quote=(f'<div data-testid="contentHider-embed" class="css-175oi2r"><a href="/profile/{qa["handle"]}/post/{rec["uri"].split("/")[-1]}" role="link" class="css-175oi2r">'
               f'<div class="css-146c3p1" dir="auto">{esc(qa["displayName"])}</div><div class="css-146c3p1" dir="auto">{esc(rec["value"]["text"])}</div></a></div>')
    dt=datetime.datetime.fromisoformat(p['record']['createdAt'].replace('Z','+00:00'))
    nice=dt.strftime('%B %-d, %Y at %-I:%M %p')
    meta=(f'<div class="css-146c3p1 r-1xnzce8" dir="auto">{esc(nice)}</div>' if focal else
          f'<a href="/profile/{h}/post/{rkey}" aria-label="{esc(nice)}" data-tooltip="{esc(nice)}" role="link" class="css-146c3p1 r-1loqt21" dir="auto">1y</a>')
    return (f'<div data-testid="postThreadItem-by-{h}" class="css-175oi2r r-1loqt21"><div class="css-175oi2r r-18u37iz">'
            f'<div class="css-175oi2r"><a href="/profile/{h}" aria-label="{esc(a["displayName"])}\'s avatar" role="link"><img alt="" draggable="false" src="{esc(a["avatar"])}" class="css-9pa8cd"></a></div>'
            f'<div class="css-175oi2r r-1iusvr4"><a href="/profile/{h}" role="link" class="css-146c3p1" dir="auto">{esc(a["displayName"])}</a>'
            f'<a href="/profile/{h}" role="link" class="css-146c3p1" dir="auto">@{h}</a>{meta}</div></div>'
            f'<div class="css-175oi2r">{rich(p["record"])}{imgs}{ext}{quote}</div>'
            f'<div class="css-175oi2r r-18u37iz"><button aria-label="Reply" data-testid="replyBtn" role="button" class="css-175oi2r"></button>'
            f'<div data-testid="likeCount" class="css-146c3p1" dir="auto">2</div></div></div>')
t=src['thread']
chain_above=[t['parent']['parent']['post'], t['parent']['post']]
replies=[r for r in t['replies'] if 'post' in r]
mine=[r for r in replies if r['post']['author']['handle']==t['post']['author']['handle']]
others=[r for r in replies if r['post']['author']['handle']!=t['post']['author']['handle']]
cont=sorted(mine,key=lambda r:r['post']['record']['createdAt'])[0]
seq=[cont['post'],cont['replies'][0]['post'],cont['replies'][0]['replies'][0]['post']]
later=[r['post'] for r in mine if r is not cont]
items=[item(p,False) for p in chain_above]+[item(t['post'],True)]+[item(p,False) for p in seq]+[item(r['post'],False) for r in others]+[item(p,False) for p in later]
page=f'''<!-- Made by us (Unspool): the thread view of bsky.app as React Native for Web renders it (generated css-/r- classes,
     data-testid="postThreadItem-by-<handle>" items, data-testid="postText" rich text, /profile/<handle>/post/<rkey>
     permalinks; the opened post shows its date as text, without a permalink), for the same posts as
     testdata/bluesky/made-selfthread-6-midthread. The author's continuation is rendered first among the replies, as
     bsky.app orders them. -->
<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>@soubhikbarari.bsky.social on Bluesky</title>
<meta property="og:url" content="https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003"></head>
<body><div id="root"><div class="css-175oi2r r-13awgt0"><main role="main" class="css-175oi2r">
{chr(10).join(items)}
</main></div></div></body></html>
'''
d=HERE+'/made-page-dom-selfthread-6'
os.makedirs(d,exist_ok=True)
open(d+'/source.html','w').write(page)
open(d+'/url.txt','w').write('https://bsky.app/profile/soubhikbarari.bsky.social/post/3madeaaaa0003\n')
