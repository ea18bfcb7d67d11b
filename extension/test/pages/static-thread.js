// The test pages' stand-in for X's router: in-app links are handled by the
// app, never followed as page loads. A collector clicking "Show more
// replies" on a saved page must not navigate it away; with nothing to load,
// the gap simply stays.
document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[href^="/"]');
  if (a) e.preventDefault();
});
document.documentElement.dataset.ready = 'true';
