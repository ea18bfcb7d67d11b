# Regenerates the made-edited-… cases (run in this folder): X's edit history
# written into the real XDevelopers thread of twscrape-raw_tweet_details
# (MIT, see its origin.txt). Made by us: no capture of an edited thread was
# found; the edit_control shapes are X's (EditControlInitial on a first
# version, EditControlEdit with edit_control_initial on a later one), as the
# X API's edit docs and the GraphQL schemas of fa0311/twitter-openapi and
# the-algorithm's tweet hydration describe them. Each edit is a new post id
# whose bits above the lowest 22 carry its time, as X's ids do.
import json, os
from datetime import datetime, timezone

EPOCH_MS = 1288834974657
ROOT, POST2 = "1649191520250245121", "1649191521323995138"

def later_id(old, minutes):
    ms = ((int(old) >> 22) + EPOCH_MS) + minutes * 60_000
    return str(((ms - EPOCH_MS) << 22) | (int(old) & 0x3FFFFF)), ms

def x_time(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y")

def tweets(o):
    if isinstance(o, dict):
        if "rest_id" in o and "legacy" in o and "edit_control" in o:
            yield o
        for v in o.values():
            yield from tweets(v)
    elif isinstance(o, list):
        for v in o:
            yield from tweets(v)

def initial(ids, until):
    return {"edit_tweet_ids": ids, "editable_until_msecs": str(until), "edits_remaining": str(6 - len(ids)), "is_edit_eligible": True}

def write(case, data, url, note):
    os.makedirs(case, exist_ok=True)
    open(f"{case}/source.json", "w").write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    open(f"{case}/url.txt", "w").write(url + "\n")
    open(f"{case}/{case}.source.txt", "w").write(note)

src = open("twscrape-raw_tweet_details/source.json").read()
until = int(json.loads(src)["data"]["threaded_conversation_with_injections_v2"]["instructions"][1]["entries"][0]["content"]["itemContent"]["tweet_results"]["result"]["edit_control"]["editable_until_msecs"])

# 1. The root edited once and post 2 twice (an edit of an edit): the
# answer holds the newest versions under their new ids; post 2 and post 3
# still answer the versions they replied to.
root_b, root_ms = later_id(ROOT, 12)
post2_b, _ = later_id(POST2, 5)
post2_c, post2_ms = later_id(POST2, 20)
text = src.replace(f'"{ROOT}"', f'"{root_b}"').replace(f'-{ROOT}"', f'-{root_b}"').replace(f'"{POST2}"', f'"{post2_c}"').replace(f'-{POST2}"', f'-{post2_c}"')
data = json.loads(text)
for t in tweets(data):
    l = t["legacy"]
    if l.get("conversation_id_str") == root_b:
        l["conversation_id_str"] = ROOT  # a conversation keeps its first post's id
    if l.get("in_reply_to_status_id_str") == root_b:
        l["in_reply_to_status_id_str"] = ROOT
    if l.get("in_reply_to_status_id_str") == post2_c:
        l["in_reply_to_status_id_str"] = POST2
    if t["rest_id"] == root_b:
        t["edit_control"] = {"initial_tweet_id": ROOT, "edit_control_initial": initial([ROOT, root_b], until)}
        l["created_at"], l["full_text"] = x_time(root_ms), l["full_text"] + " (Edited: dates below.)"
    if t["rest_id"] == post2_c:
        t["edit_control"] = {"initial_tweet_id": POST2, "edit_control_initial": initial([POST2, post2_b, post2_c], until)}
        l["created_at"], l["full_text"] = x_time(post2_ms), l["full_text"].replace("4/29.", "April 29.")
write("made-edited-root-and-edit-of-an-edit", data, f"https://x.com/XDevelopers/status/{root_b}",
      "file: source.json — made by us with make_made_edits.py from twscrape-raw_tweet_details/source.json (MIT, see its\n"
      "origin.txt): post 1 edited once, post 2 twice, as X's TweetDetail gives the newest versions (new ids, EditControlEdit\n"
      "with edit_control_initial); the replies still name the versions they answered. See make_made_edits.py for the shapes' sources.\n")

# 2. The page opened on post 2's first address while a later version
# exists: X answers the old version, whose edit_tweet_ids list the newer.
data = json.loads(src)
for t in tweets(data):
    if t["rest_id"] == POST2:
        t["edit_control"] = initial([POST2, post2_b], until)
write("made-edited-older-version-only", data, f"https://x.com/XDevelopers/status/{POST2}",
      "file: source.json — made by us with make_made_edits.py from twscrape-raw_tweet_details/source.json (MIT, see its\n"
      "origin.txt): post 2 is the first of two versions (EditControlInitial listing a later id the answer does not hold).\n")
