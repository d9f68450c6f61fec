// Asks before a dangerous action (delete, cancel, reject, roll back, no-go): a button or a
// form with data-confirm shows its question; without JavaScript the action goes through as typed.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
