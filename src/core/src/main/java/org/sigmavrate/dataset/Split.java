package org.sigmavrate.dataset;

/** Which part of a dataset a flight belongs to. */
public enum Split {
    TRAIN("train"), VAL("val"), TEST("test");

    private final String filePrefixName;

    Split(String fileName) {
        this.filePrefixName = fileName;
    }

    public String fileName() {
        return filePrefixName;
    }
}
