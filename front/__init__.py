"""The public face that spans the apps: the root URLs, the home page, the site-wide search page,
robots.txt, the health check, OAI-PMH and the sitemap index. It composes the apps (their
selectors, feeds, sitemaps and API views); no app and nothing in the kernel imports it."""
