# Regenerates made-v13-selfthread-3-quote-video-mfm (run inside that folder); made by us, see its .source.txt.
import json
def user(uid, username, name, host=None):
    return {"id": uid, "name": name, "username": username, "host": host,
            "avatarUrl": f"https://misskey.example/avatar/{uid}", "avatarBlurhash": None,
            "avatarDecorations": [], "isBot": False, "isCat": False, "emojis": {}, "onlineStatus": "unknown", "badgeRoles": []}
ada = user("9qzv1a2b3c", "ada", "Ada :blobcat:")
bob = user("9qzv9z8y7x", "bob", "Ada :blobcat:", "mastodon.example")  # same display name, another account
def note(nid, at, u, text, reply_id=None, **kw):
    n = {"id": nid, "createdAt": at, "userId": u["id"], "user": u, "text": text, "cw": None, "visibility": "public",
         "localOnly": False, "reactionAcceptance": "nonSensitiveOnly", "renoteCount": 0, "repliesCount": 0,
         "reactions": {}, "reactionEmojis": {}, "emojis": {}, "fileIds": [], "files": [], "replyId": reply_id, "renoteId": None,
         "reactionAndUserPairCache": [], "clippedCount": 0}
    n.update(kw)
    return n
def file(fid, mime, w, h, sensitive=False, comment=None):
    return {"id": fid, "createdAt": "2024-03-01T10:00:00.000Z", "name": fid, "type": mime, "md5": "0"*32, "size": 1000,
            "isSensitive": sensitive, "blurhash": None, "properties": {"width": w, "height": h},
            "url": f"https://misskey.example/files/{fid}", "thumbnailUrl": f"https://misskey.example/files/thumbnail-{fid}",
            "comment": comment, "folderId": None, "folder": None, "userId": None, "user": None}
root = note("9r00000001", "2024-03-01T10:00:00.000Z", ada,
    "$[x2 **Big** news] from :blobcat: today!\nRead https://example.org/post_(1). or [the notes](https://example.org/notes), #fediverse not #1\n<center>~~old~~ `@not_a_mention`</center>",
    repliesCount=1, emojis={"blobcat": "https://misskey.example/emoji/blobcat.webp"}, updatedAt=None)
quoted = note("9qa0000009", "2024-02-28T08:00:00.000Z", bob, "The original @ada@misskey.example post", uri="https://mastodon.example/users/bob/statuses/1", url="https://mastodon.example/@bob/1")
focal = note("9r00000002", "2024-03-01T10:05:00.000Z", ada, "Two clips, one sensitive.", root["id"], repliesCount=3,
    files=[file("vid1", "video/mp4", 1280, 720, comment="A clip"), file("img1", "image/webp", 800, 600, sensitive=True), file("doc1", "application/pdf", 0, 0)],
    renoteId=quoted["id"], renote=quoted, reply=root)
third = note("9r00000003", "2024-03-01T10:10:00.000Z", ada, "Last: a poll.", focal["id"], updatedAt="2024-03-01T10:25:30.000Z",
    poll={"multiple": False, "expiresAt": "2024-03-02T10:10:00.000Z", "choices": [{"text": "yes", "votes": 3, "isVoted": False}, {"text": "no", "votes": 1, "isVoted": False}]})
other = note("9r00000004", "2024-03-01T10:06:00.000Z", bob, "@ada nice", focal["id"], uri="https://mastodon.example/users/bob/statuses/2", url="https://mastodon.example/@bob/2")
later = note("9r00000005", "2024-03-01T11:00:00.000Z", ada, "A later branch of my own.", focal["id"])
bundle = {"note": focal, "conversation": [root], "children": [other, later, third]}
open("source.json", "w").write(json.dumps(bundle, ensure_ascii=False, indent=2) + "\n")
open("url.txt", "w").write("https://misskey.example/notes/9r00000002\n")
