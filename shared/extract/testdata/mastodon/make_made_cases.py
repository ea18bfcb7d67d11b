#!/usr/bin/env python3
# Regenerates the made-… cases of this folder from the real captures in ../shared/fixtures (see README.md).
# Run from anywhere: python3 shared/extract/testdata/<source>/make_made_cases.py; then
# go test ./shared/extract -run TestPlatformGoldens -update, and review the diff.
import os
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "fixtures"))

import json, copy, os
F=FIXTURES+'/mastodon/'
video=json.load(open(F+'mastodonpy-status-video-root.json'))
image=json.load(open(F+'mastodonpy-status-image-reply.json'))
card=json.load(open(F+'mastodonpy-status-previewcard.json'))
ctx=json.load(open(F+'mastodonpy-context-selfthread-3.json'))
D=HERE+'/'
def case(name, url, obj):
    os.makedirs(D+name, exist_ok=True)
    json.dump(obj, open(D+name+'/source.json','w'), ensure_ascii=False, indent=1)
    open(D+name+'/url.txt','w').write(url+'\n')
# 1: context fixture + a made focal status (the one /context was fetched for)
anc=ctx['ancestors'][0]
focal=copy.deepcopy(anc)
focal.update(id="110446983926957470", created_at="2023-05-28T15:20:30.312Z", in_reply_to_id=anc['id'], in_reply_to_account_id="43",
  uri="https://mastodon.social/users/halcy/statuses/110446983926957470", url="https://mastodon.social/@halcy/110446983926957470",
  content="<p>second status</p>", replies_count=1)
case('made-status-context-selfthread-3', 'https://mastodon.social/@halcy/110446983926957470', {"status":focal,"context":ctx})
# 2: long self-thread from the pieces
acct=video['account']
bob={"id":"99","username":"bob","acct":"bob@other.example","display_name":"halcy","url":"https://other.example/@bob","avatar":"https://other.example/avatars/bob.png","avatar_static":"https://other.example/avatars/bob.png","emojis":[]}
def st(id, created, reply_to, content, account=acct, **kw):
    s=copy.deepcopy(card); s.update(id=id, created_at=created, in_reply_to_id=reply_to, in_reply_to_account_id=(None if reply_to is None else kw.pop('reply_acct','43')),
      uri=f"https://mastodon.social/users/halcy/statuses/{id}", url=f"https://mastodon.social/@halcy/{id}", content=content, account=account, card=None, media_attachments=[], poll=None, quote=None, spoiler_text="", sensitive=False, emojis=[], replies_count=1)
    if account is bob: s.update(uri=f"https://other.example/users/bob/statuses/{id}", url=f"https://other.example/@bob/{id}")
    s.update(kw); return s
v=copy.deepcopy(video); v['replies_count']=1
im=copy.deepcopy(image); im['replies_count']=2
focal_content=('<p>Part 3: a post with a content warning, a poll and :sidekiq: custom emoji. '
 'Thanks <span class="h-card" translate="no"><a href="https://icosahedron.website/@halcy" class="u-url mention">@<span>halcy</span></a></span> '
 'for <a href="https://mastodon.social/tags/MastodonPy" class="mention hashtag" rel="tag">#<span>MastodonPy</span></a>, docs at '
 '<a href="https://mastodonpy.readthedocs.io/en/stable/index.html#a-very-long-anchor" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">mastodonpy.readthedocs.io/en/st</span><span class="invisible">able/index.html#a-very-long-anchor</span></a></p>'
 '<p>Line one<br />line two</p>')
f=st("110447010000000001","2023-05-28T15:27:00.000Z",im['id'],focal_content, spoiler_text="polls ahead", replies_count=3,
  emojis=acct['emojis'],
  poll={"id":"1","expires_at":"2023-05-29T15:27:00.000Z","expired":True,"multiple":False,"votes_count":7,"voters_count":7,"options":[{"title":"yes","votes_count":5},{"title":"no","votes_count":2}],"emojis":[]})
other=st("110447011000000002","2023-05-28T15:28:00.000Z",f['id'],'<p><span class="h-card"><a href="https://mastodon.social/@halcy" class="u-url mention">@<span>halcy</span></a></span> same display name, other account</p>',account=bob)
c4=copy.deepcopy(card); c4.update(id="110447012000000003", created_at="2023-05-28T15:29:00.000Z", in_reply_to_id=f['id'], in_reply_to_account_id="43", replies_count=1)
branch=st("110447019000000009","2023-05-28T16:00:00.000Z",f['id'],"<p>a later own reply on its own branch</p>",replies_count=0)
own_to_bob=st("110447013000000004","2023-05-28T15:30:00.000Z",other['id'],"<p>own answer to bob: not the thread</p>",reply_acct="99",replies_count=0)
quoted=st("110440000000000000","2023-05-20T10:00:00.000Z",None,"<p>an older post, quoted</p>",replies_count=0)
c5=st("110447014000000005","2023-05-28T15:31:00.000Z",c4['id'],
  '<p>Part 5 quotes an older post and has a gifv and audio.</p><p class="quote-inline">RE: <a href="https://mastodon.social/@halcy/110440000000000000">https://mastodon.social/@halcy/110440000000000000</a></p>',
  quote={"state":"accepted","quoted_status":quoted}, sensitive=True, replies_count=0,
  media_attachments=[
   {"id":"1","type":"gifv","url":"https://files.mastodon.social/media_attachments/files/1/original/a.mp4","preview_url":"https://files.mastodon.social/media_attachments/files/1/small/a.png","remote_url":None,"meta":{"original":{"width":320,"height":240,"duration":2.5}},"description":"a looping cube"},
   {"id":"2","type":"audio","url":"https://files.mastodon.social/media_attachments/files/2/original/b.mp3","preview_url":None,"remote_url":None,"meta":{"original":{"duration":61.2}},"description":None},
   {"id":"3","type":"unknown","url":None,"preview_url":None,"remote_url":"https://remote.example/file.bin","meta":{},"description":None}])
case('made-selfthread-5-midthread','https://mastodon.social/@halcy/110447010000000001',
  {"status":f,"context":{"ancestors":[v,im],"descendants":[other,own_to_bob,branch,c4,c5]}})
# 3: hostile content
h=st("110447020000000001","2023-05-28T15:27:00.000Z",None,
  '<p>hi<script>alert(1)</script><style>p{display:none}</style> <a href="javascript:alert(2)">click</a> '
  '<img src=x onerror="alert(3)"> <a href="https://ok.example/" onclick="alert(4)" style="color:red">ok</a> '
  '<iframe src="javascript:alert(5)"></iframe><svg onload="alert(6)"><text>svg</text></svg></p>',
  spoiler_text='<b onmouseover="alert(7)">cw</b>', replies_count=0,
  media_attachments=[{"id":"9","type":"image","url":"javascript:alert(8)","preview_url":"javascript:alert(9)","remote_url":None,"meta":{},"description":"<script>alert(10)</script>"}],
  card={"url":"javascript:alert(11)","title":"t","description":"d","image":"data:image/png;base64,AAAA"})
case('made-hostile-content','https://mastodon.social/@halcy/110447020000000001',h)
