package org.springframework.boot.devtools.restart.classloader;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A stand-in for Spring Boot DevTools' restart class loader, for the lab's demo service only
 * (simulated: the lab does not ship Spring Boot). DevTools builds one of these for every
 * application restart it makes when a watched file changes; the opspulse agent recognises the class
 * by this name, exactly as it would recognise the real one, and counts every loader after the first
 * as an in-process restart.
 */
public class RestartClassLoader extends URLClassLoader {
  public RestartClassLoader(ClassLoader parent, URL[] urls) {
    super(urls, parent);
  }
}
