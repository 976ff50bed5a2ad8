package io.opspulse.petclinic;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** PetClinic's owner pages, as plain text. */
@RestController
class OwnerController {
  @GetMapping("/owners/find")
  String find() {
    return "find owners";
  }

  @GetMapping("/owners/{ownerId}")
  String show(@PathVariable("ownerId") int ownerId) {
    return "owner " + ownerId;
  }

  @GetMapping("/owners/{ownerId}/edit")
  String edit(@PathVariable("ownerId") int ownerId) {
    return "edit owner " + ownerId;
  }

  @GetMapping("/owners/{ownerId}/pets/{petId}/edit")
  String editPet(@PathVariable("ownerId") int ownerId, @PathVariable("petId") int petId) {
    return "edit pet " + petId + " of owner " + ownerId;
  }

  /**
   * Throws out of the controller: Spring wraps it in a ServletException on its way to the
   * container.
   */
  @GetMapping("/owners/{ownerId}/pets/{petId}/visits/new")
  String newVisit(@PathVariable("ownerId") int ownerId, @PathVariable("petId") int petId) {
    throw new VisitsClosedException("no visits for pet " + petId);
  }

  /**
   * Holds a request thread for {@code ms} milliseconds: enough of these saturate the server's pool.
   */
  @GetMapping("/slow")
  String slow(@RequestParam("ms") long ms) throws InterruptedException {
    Thread.sleep(ms);
    return "slept " + ms;
  }
}
