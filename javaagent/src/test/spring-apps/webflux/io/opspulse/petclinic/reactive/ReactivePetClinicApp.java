package io.opspulse.petclinic.reactive;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The PetClinic owner pages on Spring WebFlux and Reactor Netty; compiled by SpringServersIT. */
@SpringBootApplication
public class ReactivePetClinicApp {
  public static void main(String[] args) {
    SpringApplication.run(ReactivePetClinicApp.class, args);
    System.out.println("READY");
  }
}
