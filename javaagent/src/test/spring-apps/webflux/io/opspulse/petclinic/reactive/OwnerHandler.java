package io.opspulse.petclinic.reactive;

import java.time.Duration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** PetClinic's owner pages, answered asynchronously (after a delay, on another thread). */
@RestController
class OwnerHandler {
  @GetMapping("/owners/find")
  Mono<String> find() {
    return Mono.just("find owners");
  }

  @GetMapping("/owners/{ownerId}")
  Mono<String> show(@PathVariable("ownerId") int ownerId) {
    return Mono.delay(Duration.ofMillis(5)).map(x -> "owner " + ownerId);
  }

  @GetMapping("/owners/{ownerId}/pets/{petId}/edit")
  Mono<String> editPet(@PathVariable("ownerId") int ownerId, @PathVariable("petId") int petId) {
    return Mono.just("edit pet " + petId + " of owner " + ownerId);
  }

  @GetMapping("/owners/{ownerId}/pets/{petId}/visits/new")
  Mono<String> newVisit(@PathVariable("ownerId") int ownerId, @PathVariable("petId") int petId) {
    return Mono.error(new IllegalStateException("no visits for pet " + petId));
  }
}
