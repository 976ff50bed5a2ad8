package io.opspulse.testapp;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/**
 * A JAX-RS resource served by Jersey's servlet at /shop/api/*: GET
 * /owners/{ownerId}[/pets/{petId}].
 */
@Path("/owners")
public class JerseyOwners {
  @GET
  @Path("{ownerId}")
  public String owner(@PathParam("ownerId") int ownerId) {
    return "owner " + ownerId;
  }

  @GET
  @Path("{ownerId}/pets/{petId}")
  public String pet(@PathParam("ownerId") int ownerId, @PathParam("petId") int petId) {
    if (petId == 0) {
      throw new NotFoundException("no pet 0");
    }
    return "pet " + petId + " of owner " + ownerId;
  }
}
