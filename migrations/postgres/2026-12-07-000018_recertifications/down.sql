DROP TABLE recertifications;
