"""The SPARQL protocol surfaces: query and update (/sparql), the Graph Store Protocol, the Service
Description, and the query editor."""
