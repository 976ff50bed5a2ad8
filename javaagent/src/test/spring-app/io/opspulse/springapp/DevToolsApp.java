package io.opspulse.springapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application run with DevTools, as a developer runs it from an IDE: its classes in a
 * directory, its libraries as jars. Compiled by SpringDevToolsIT, not by Maven, into a folder of
 * its own (DevTools restarts only for classpath directories). DevTools calls main again on every
 * restart.
 */
@SpringBootApplication
public class DevToolsApp {
  public static void main(String[] args) {
    SpringApplication.run(DevToolsApp.class, args);
    // A system property outlives the restart class loaders: it numbers the starts of this JVM.
    int start = Integer.getInteger("springapp.starts", 0) + 1;
    System.setProperty("springapp.starts", String.valueOf(start));
    System.out.println(
        "READY start="
            + start
            + " loader="
            + DevToolsApp.class.getClassLoader().getClass().getSimpleName());
  }
}
