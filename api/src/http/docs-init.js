// Starts Swagger UI on /api/docs; a file of its own because the Content-Security-Policy allows no inline script.
window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', withCredentials: true });
