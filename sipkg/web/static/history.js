// The date slider of /history: moving it writes the year into the date field; letting go shows that year.
(function () {
  var slider = document.getElementById("year-slider");
  var field = document.getElementById("date");
  if (!slider || !field) return;
  slider.addEventListener("input", function () { field.value = slider.value; });
  slider.addEventListener("change", function () { field.form.submit(); });
})();
