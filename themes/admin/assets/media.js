// The media picker, enhanced. Without this script everything works with plain links:
// the library's "Use this image" goes back to the editor with ?image=URL&image_alt=ALT.
//
// With it, on a page with a featured-image field (input#image), a "Choose from the media
// library" link opens the picker in its own window, and choosing an image there fills the
// field (and an empty #image_alt) in place, so nothing typed in the editor is lost.
(function () {
  "use strict";
  var field = document.getElementById("image");
  var link = document.querySelector(".media-pick-link");
  if (field && !link) {
    link = document.createElement("a");
    link.className = "media-pick-link";
    link.href = "/admin/media?pick=1&return=" + encodeURIComponent(location.pathname + location.search);
    link.textContent = "Choose from the media library";
    field.insertAdjacentElement("afterend", link);
  }
  if (field && link) {
    link.addEventListener("click", function (e) {
      if (window.open(link.href, "byline-media-picker", "width=1000,height=800")) {
        e.preventDefault();
      }
    });
  }

  var opener = null;
  try {
    opener = window.opener && window.opener.location.origin === location.origin ? window.opener : null;
  } catch (_) {
    opener = null;
  }
  if (!opener) {
    return;
  }
  document.querySelectorAll("a.media-use").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var target = opener.document.getElementById("image");
      if (!target) {
        return;
      }
      var params = new URL(a.href, location.href).searchParams;
      target.value = params.get("image") || "";
      target.dispatchEvent(new Event("input", { bubbles: true }));
      var alt = opener.document.getElementById("image_alt");
      if (alt && !alt.value && params.get("image_alt")) {
        alt.value = params.get("image_alt");
      }
      e.preventDefault();
      window.close();
    });
  });
})();
