package io.opspulse.petclinic;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot MVC application shaped like Spring's PetClinic, compiled by SpringServersIT against
 * the libraries of the server it runs on (Tomcat or Jetty: whichever is on the classpath).
 */
@SpringBootApplication
public class PetClinicApp {
  public static void main(String[] args) {
    SpringApplication.run(PetClinicApp.class, args);
    System.out.println("READY");
  }
}
