-- The expiry worklist filtered by office (store/lifecycle_repo.c,
-- lifecycle_repo_page). docs/benchmarks.md: at a million applications a
-- page of an office with few certificates took 0.26 s for 30 days and
-- 0.87 s for 90: it walked every certificate of the window in not_after
-- order, seeking its applicant's office and a live renewal or revocation
-- of its serial, to keep the few of that office.
--
-- The office's unhandled certificates of expiry_certs (migration 0013)
-- in (not_after, certificate_id) order, once for the not contacted and
-- once for the contacted: a page is one range of this index under
-- (office_id, contacted), or the merge of the two ranges when contacted
-- is not filtered, then the page's own rows of certificates and
-- applicants. handled is in it so that SQLite takes the index as covering.
CREATE INDEX expiry_certs_office
	ON expiry_certs (office_id, contacted, not_after, certificate_id, handled)
	WHERE handled = 0;
