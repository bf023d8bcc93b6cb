// Progressive enhancement: a "Copy" button for text on the page (the citation). Without
// JavaScript the button stays hidden and the text can be selected as usual.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var status = document.getElementById(button.dataset.copy + "-status");
      if (status) status.textContent = button.dataset.copied;
    });
  });
});
