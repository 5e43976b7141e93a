"""Blog posts: class, school and private blogs, and preschool documentation."""
