// Alpine.js components of luoshi. The pages load Alpine's CSP build (the CSP has no
// 'unsafe-eval'): templates name a component here (x-data="reportSection") and refer only
// to its properties and methods (x-show="reading", @click="edit"), never to inline code.
// Loaded before Alpine (both deferred, in order), so the components exist when it starts.
document.addEventListener("alpine:init", function () {
  // A report section edited in place: its text, or its form while editing.
  window.Alpine.data("reportSection", function () {
    return {
      editing: false,
      get reading() {
        return !this.editing;
      },
      edit: function () {
        this.editing = true;
      },
      cancel: function () {
        this.editing = false;
      }
    };
  });
});
