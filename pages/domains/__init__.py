"""One module per domain page; each declares what its page shows (components/domain_page.py)."""
