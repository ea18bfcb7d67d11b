-- A share page's Content-Security-Policy header, stored with the page it
-- was rendered with: the policy allows the inlined stylesheet by its hash,
-- so a page published before a stylesheet change must keep being served
-- with the hash of the stylesheet it holds. '' (rows from before this
-- column) means the current policy.
ALTER TABLE shares ADD COLUMN csp TEXT NOT NULL DEFAULT '';
