// Calendar: remember the browser's time zone in a cookie, which the server reads when the
// person chose no time zone (IANA names are cookie-safe: letters, digits, / _ + -).
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && /^[A-Za-z0-9\/_+-]{1,64}$/.test(zone) && document.cookie.indexOf("territoria_tz=") === -1) {
    document.cookie = "territoria_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
